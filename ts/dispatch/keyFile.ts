import { readFileSync } from 'node:fs';
import { UserError } from '../errors';
import { isCurveKey } from './z85';

/** A CURVE key pair in Z85, as zeromq's curveKeyPair() and `plateau worker --keygen` make it. */
export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

/**
 * A key pair file (`{ publicKey, secretKey }`, as `plateau worker --keygen` and the run write them),
 * checked here so a bad one is a sentence naming the file, not a failure inside ZeroMQ.
 */
export function readKeyPair(file: string, what = file): KeyPair {
  let k: Partial<KeyPair> | null;
  try {
    k = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyPair> | null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${what}: no such file (make one with plateau worker --keygen ${file})`);
    if (code) throw new UserError(`${what}: cannot be read (${code})`);
    k = null;
  }
  if (!k || typeof k.publicKey !== 'string' || typeof k.secretKey !== 'string' || !isCurveKey(k.publicKey) || !isCurveKey(k.secretKey)) {
    throw new UserError(`${what}: not a CURVE key pair (JSON with a publicKey and a secretKey of 40 Z85 characters each, as plateau worker --keygen writes it)`);
  }
  return { publicKey: k.publicKey, secretKey: k.secretKey };
}

/** A broker's public key as a user typed it (`--server-key`): a sentence, not ZeroMQ's 'Invalid argument', when it is not one. */
function checkServerKey(key: string): void {
  if (!isCurveKey(key)) throw new UserError(`--server-key: not a CURVE public key (40 Z85 characters, as the run printed it; quote it, it may hold shell characters)`);
}

/** A worker's CURVE settings as typed (`--server-key`, `--key-file`), checked before a worker starts or is submitted. */
export function checkWorkerKeys(serverKey: string, keyFile: string): void {
  checkServerKey(serverKey);
  readKeyPair(keyFile, `--key-file ${keyFile}`);
}
