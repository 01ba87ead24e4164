import { z } from 'zod';
import { SOURCE_LAYERS } from '../model.js';

/*
 * Baseline schema pieces shared by the baseline schema and the source kinds' own pieces (each kind
 * declares its `sources` section in its folder): kept apart so neither imports the other.
 */

/** A configuration layer as the application sees it. */
export const sourceLayerSchema = z
  .enum(SOURCE_LAYERS)
  .describe('Configuration layer: file, env, configmap, secret, ssm, or workload (the k8s: shape keys of a workload).');

/** How source-native names become logical keys. */
export const keyStyleSchema = z
  .enum(['relative', 'env'])
  .describe('How source names become keys: relative (the name under the prefix, as is: db/timeout) or env (upper snake case: DB_TIMEOUT).');

/** An application name: it appears in finding ids (`type:environment:application:key`). */
export const applicationNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'an application name of letters, digits, ".", "_", "-" or "/" that starts with a letter or digit')
  .describe('Application name, such as cartservice or api.');
/** An AWS region. */
export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'an AWS region such as eu-west-1')
  .describe('AWS region, such as eu-west-1.');
