/**
 * Runs a synthesized state machine definition locally with aws-local-stepfunctions, its task states
 * bound to in-process functions (the real handlers, against the loopback stand-ins).
 *
 * aws-local-stepfunctions 3.0.0 runs Task, Map (inline: ItemsPath, ItemSelector, ItemProcessor,
 * MaxConcurrency), Catch, Retry and TimeoutSeconds, but not a Distributed Map's S3 fields. So the
 * definition is rewritten where, and only where, it uses them:
 * - `ItemReader` (S3 getObject of a JSON array, `ReaderConfig.InputType: JSON`) becomes a Task state
 *   `<Map>.ItemReader` just before the Map, bound to a real GetObject of the same Bucket/Key on s3rver,
 *   whose array the Map then iterates through `ItemsPath`;
 * - `ResultWriter`, `ToleratedFailurePercentage`/`Count`, `Label` and `ProcessorConfig` are dropped
 *   (child outputs are not exported, which the final step does not read; no failure is tolerated
 *   locally, so a child failure the definition failed to catch fails the test's execution).
 * Everything else (state names, transitions, Parameters/ItemSelector paths, Catch, Retry, timeouts)
 * is the synthesized definition as deployed.
 *
 * aws-local-stepfunctions declares Node >= 22: it imports on Node 20, but its Task state calls
 * `Promise.withResolvers` (ES2024, Node 22), which {@link installPromiseWithResolvers} supplies.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateMachine } from 'aws-local-stepfunctions';

/** Adds `Promise.withResolvers` where the runtime lacks it (Node 20), exactly as ES2024 specifies it. */
function installPromiseWithResolvers(): void {
  const PromiseConstructor = Promise as unknown as { withResolvers?: unknown };
  if (typeof PromiseConstructor.withResolvers === 'function') return;
  PromiseConstructor.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
installPromiseWithResolvers();

/** A JSON value of a definition. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** What `{ Ref }` and `{ Fn::GetAtt }` stand for while resolving the definition's `Fn::Join`. */
export interface DefinitionReferences {
  /** Values of `Ref`s by logical id (`AWS::Partition` is `aws` unless given). */
  readonly refs?: Readonly<Record<string, string>>;
}

/**
 * The definition of the template's one `AWS::StepFunctions::StateMachine`, its `Fn::Join` resolved:
 * `Fn::GetAtt [<id>, Arn]` of a function becomes `arn:aws:lambda:us-east-1:123456789012:function:<id>`.
 * @throws Error when the template has no state machine or a reference this cannot resolve
 */
export function synthesizedDefinition(
  template: { readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  references: DefinitionReferences = {},
): JsonObject {
  const machines = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine in the template, found ${machines.length}`);
  const body = machines[0]?.Properties?.['DefinitionString'];
  const refs: Record<string, string> = { 'AWS::Partition': 'aws', ...references.refs };
  const text = resolve(body, refs);
  return JSON.parse(text) as JsonObject;
}

function resolve(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(part, refs)).join(delimiter);
  }
  if (typeof node['Ref'] === 'string') {
    const ref = refs[node['Ref']];
    if (ref === undefined) throw new Error(`no value given for Ref ${node['Ref']}`);
    return ref;
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
    return `arn:aws:lambda:us-east-1:123456789012:function:${id}`;
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** The name of the Task state standing for a Distributed Map's ItemReader. */
export function itemReaderStateName(mapState: string): string {
  return `${mapState}.ItemReader`;
}

/** The definition with each Distributed Map rewritten for the local interpreter (see the module comment). */
export function localDefinition(definition: JsonObject): JsonObject {
  const states = { ...(definition['States'] as Record<string, JsonObject>) };
  let startAt = definition['StartAt'] as string;
  for (const [name, state] of Object.entries(states)) {
    if (state['Type'] !== 'Map') continue;
    const { ItemReader, ResultWriter: _writer, ToleratedFailurePercentage: _percentage, ToleratedFailureCount: _count, Label: _label, ...rest } = state;
    const processor = { ...(rest['ItemProcessor'] as JsonObject) };
    delete processor['ProcessorConfig'];
    const map: JsonObject = { ...rest, ItemProcessor: processor };
    if (ItemReader !== undefined) {
      const reader = ItemReader as JsonObject;
      const config = reader['ReaderConfig'] as JsonObject | undefined;
      if (config?.['InputType'] !== 'JSON') throw new Error(`${name}: only ItemReader InputType JSON is supported locally`);
      const readerName = itemReaderStateName(name);
      states[readerName] = {
        Type: 'Task',
        Resource: reader['Resource'] as string,
        Parameters: reader['Parameters'] as JsonObject,
        ResultPath: '$.__items',
        Next: name,
      };
      map['ItemsPath'] = '$.__items';
      for (const other of Object.values(states)) if (other['Next'] === name && other !== states[readerName]) other['Next'] = readerName;
      if (startAt === name) startAt = readerName;
    }
    states[name] = map;
  }
  return { ...definition, StartAt: startAt, States: states };
}

/** A task binding: what the state's Resource would have done with its (already parameterised) input. */
export type TaskBinding = (input: Json) => Promise<Json> | Json;

/**
 * The local stand-ins of the S3 service integrations the fan-out uses, on a real S3 client: an
 * ItemReader's GetObject of a JSON array, and `aws-sdk:s3:putObject` with a JSON `Body`, which Step
 * Functions serialises as the object's text.
 */
export function s3Bindings(s3: S3Client): { readonly getJsonItems: TaskBinding; readonly putObject: TaskBinding } {
  return {
    async getJsonItems(input) {
      const { Bucket, Key } = input as { Bucket: string; Key: string };
      const response = await s3.send(new GetObjectCommand({ Bucket, Key }));
      return JSON.parse((await response.Body?.transformToString('utf8')) ?? 'null') as Json;
    },
    async putObject(input) {
      const { Bucket, Key, Body, ContentType } = input as { Bucket: string; Key: string; Body: Json; ContentType?: string };
      const response = await s3.send(
        new PutObjectCommand({
          Bucket,
          Key,
          Body: typeof Body === 'string' ? Body : JSON.stringify(Body),
          ...(ContentType === undefined ? {} : { ContentType }),
        }),
      );
      return { ETag: response.ETag ?? '' };
    },
  };
}

/** Runs the definition on `input`; resolves with its output, rejects with the execution's error. */
export async function runLocally(
  definition: JsonObject,
  input: Json,
  bindings: Readonly<Record<string, TaskBinding>>,
  context: { readonly executionId: string },
): Promise<Json> {
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: bindings as never, retryIntervalOverrides: retryImmediately(definition) },
    context: { Execution: { Id: context.executionId } },
  });
  return (await execution.result) as Json;
}

/** Retries without waiting (states' intervals are seconds; the behaviour under test is which errors retry). */
function retryImmediately(definition: JsonObject): Record<string, number> {
  const names: string[] = [];
  const visit = (states: Record<string, JsonObject>): void => {
    for (const [name, state] of Object.entries(states)) {
      if (state['Retry'] !== undefined) names.push(name);
      const processor = (state['ItemProcessor'] ?? state['Iterator']) as JsonObject | undefined;
      if (processor !== undefined) visit(processor['States'] as Record<string, JsonObject>);
    }
  };
  visit(definition['States'] as Record<string, JsonObject>);
  return Object.fromEntries(names.map((name) => [name, 0]));
}
