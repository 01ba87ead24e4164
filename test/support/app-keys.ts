import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An RSA key pair as GitHub issues App keys (2048 bits), with the PEM spellings a secret may hold. */
export interface AppKeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /** `-----BEGIN RSA PRIVATE KEY-----`: what GitHub's "Generate a private key" downloads. */
  readonly pkcs1: string;
  /** `-----BEGIN PRIVATE KEY-----`: the `openssl pkcs8 -topk8` conversion. */
  readonly pkcs8: string;
}

/** A fresh key pair (about 0.1 s of CPU); generate once per test file. */
export function appKeyPair(): AppKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    privateKey,
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
