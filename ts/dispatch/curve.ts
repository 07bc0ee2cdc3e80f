import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { curveKeyPair, Router } from 'zeromq';
import { UserError } from '../errors';
import { makeFolder } from '../folder';
import { type KeyPair, readKeyPair } from './keyFile';
import { isCurveKey, z85Decode } from './z85';

/**
 * CURVE security for workers off loopback: the broker has a key pair of its own, and a ZAP handler
 * admits only workers whose public key is listed in an authorized-keys file, so no unknown peer
 * can take jobs or submit results.
 */
export type { KeyPair };

/** The broker's key pair, made once and kept (owner-only) so workers keep one server key to trust. */
export function brokerKeys(file: string): KeyPair {
  if (existsSync(file)) return readKeyPair(file);
  makeFolder(dirname(file));
  const k = curveKeyPair();
  writeFileSync(file, `${JSON.stringify(k)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return k;
}

/** Public keys (Z85, one per line, `#` comments) of the workers allowed in. */
export function readAuthorizedKeys(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`${file}: cannot read the authorized keys file`);
  }
  const keys = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    // '#' is a Z85 character too: a comment starts at a '#' that begins the line or follows a space.
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    if (!isCurveKey(line)) throw new UserError(`${file}:${i + 1}: not a CURVE public key (40 Z85 characters)`);
    keys.add(z85Decode(line).toString('hex'));
  });
  if (keys.size === 0) throw new UserError(`${file}: no keys; add the public key each worker printed with --keygen`);
  return keys;
}

export const ZAP_DOMAIN = 'plateau';

/** Answers libzmq's ZAP requests (RFC 27) in this process: 200 for listed CURVE keys, 400 otherwise. */
export async function startZap(allowed: Set<string>, denied?: (keyHex: string) => void): Promise<{ close(): Promise<void> }> {
  const zap = new Router({ linger: 0 });
  await zap.bind('inproc://zeromq.zap.01');
  const loop = (async () => {
    for await (const frames of zap) {
      // [identity, '', version, request id, domain, address, identity property, mechanism, key]
      const [id, empty, version, requestId, domain, , , mechanism, key] = frames;
      const hex = key ? key.toString('hex') : '';
      const ok = domain.toString() === ZAP_DOMAIN && mechanism.toString() === 'CURVE' && allowed.has(hex);
      if (!ok) denied?.(hex);
      await zap.send([id, empty, version, requestId, ok ? '200' : '400', ok ? 'OK' : 'unknown worker key', '', '']);
    }
  })().catch(() => {});
  return {
    async close() {
      zap.close();
      await loop;
    },
  };
}

/** Loopback endpoints need no CURVE: nothing off this machine can reach them. */
export function isLoopback(endpoint: string): boolean {
  const host = /^tcp:\/\/(\[[^\]]+\]|[^:]+):/.exec(endpoint)?.[1];
  if (!host) return endpoint.startsWith('ipc://') || endpoint.startsWith('inproc://');
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
