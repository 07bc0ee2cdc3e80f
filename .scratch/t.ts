import { writeFileSync } from 'node:fs';
import { readCurveCsv } from '../ts/surrogate/curve';
writeFileSync('/tmp/x.csv', '# a note\nn,dice\n\n10,0.5\n20,"0.6\n"\n30,x');
try { readCurveCsv('/tmp/x.csv'); } catch (e) { console.log((e as Error).message); }
