// jstat ships no type declarations; ts/stats/distributions.ts types the few functions it uses.
declare module 'jstat';
