/** Z85 (ZeroMQ RFC 32), the text form of CURVE keys: 5 characters carry 4 bytes. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function z85Decode(text: string): Buffer {
  if (text.length % 5 !== 0) throw new Error('Z85 text length must be a multiple of 5');
  const out = Buffer.alloc((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const digit = INDEX.get(text[i + j]);
      if (digit === undefined) throw new Error(`'${text[i + j]}' is not a Z85 character`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new Error('Z85 group out of range');
    out.writeUInt32BE(value, (i / 5) * 4);
  }
  return out;
}

export const isCurveKey = (text: string) => {
  try {
    return text.length === 40 && z85Decode(text).length === 32;
  } catch {
    return false;
  }
};
