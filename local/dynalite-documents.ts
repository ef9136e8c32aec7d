import * as dynamodb from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, type marshallOptions, unmarshall } from '@aws-sdk/util-dynamodb';
import type { InProcessDynalite } from './dynalite-handler.ts';

/**
 * The document client's commands straight to dynalite in this process. The SDK would resolve an
 * endpoint, serialise the marshalled input to JSON, parse dynalite's JSON answer back and unmarshall it,
 * all per call and all for nothing in process; this middleware does the marshalling with the same key
 * maps and options as lib-dynamodb, hands the JSON to dynalite's validations and actions, and returns
 * the unmarshalled answer, or dynalite's error as the SDK's exception of that name. It runs after the
 * store's own middleware (counters, calls in flight), which therefore sees every call as before.
 */

type KeyNodes = Record<string, unknown> | unknown[] | null;
interface DocumentCommandShape {
  inputKeyNodes: KeyNodes;
  outputKeyNodes: KeyNodes;
}

// Inner command name (as middleware see it) -> dynalite operation and the document command's key maps.
const DOCUMENT_COMMANDS: Record<string, { operation: string; shape: DocumentCommandShape }> = {};
for (const [Command, operation] of [
  [GetCommand, 'GetItem'],
  [PutCommand, 'PutItem'],
  [UpdateCommand, 'UpdateItem'],
  [DeleteCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [ScanCommand, 'Scan'],
  [BatchGetCommand, 'BatchGetItem'],
  [BatchWriteCommand, 'BatchWriteItem'],
] as const) {
  const shape = new (Command as unknown as new (input: object) => DocumentCommandShape)({});
  DOCUMENT_COMMANDS[`${operation}Command`] = {
    operation,
    shape: { inputKeyNodes: shape.inputKeyNodes, outputKeyNodes: shape.outputKeyNodes },
  };
}

// lib-dynamodb's key-map walk (commands/utils), with its markers: SELF = null, ALL_VALUES = {},
// ALL_MEMBERS = [], "*" = every key at this level.
const NEXT_LEVEL = '*';
type Process = (value: unknown) => unknown;

function processObj(obj: unknown, fn: Process, keyNodes: KeyNodes | undefined): unknown {
  if (obj === undefined) return undefined;
  if (keyNodes == null) return fn(obj);
  const keys = Object.keys(keyNodes);
  const goToNextLevel = keys.length === 1 && keys[0] === NEXT_LEVEL;
  const someChildren = keys.length >= 1 && !goToNextLevel;
  const allChildren = keys.length === 0;
  if (someChildren) return processKeysInObj(obj as Record<string, unknown>, fn, keyNodes as Record<string, KeyNodes>);
  if (allChildren) return processAllKeysInObj(obj, fn, null);
  const next = (keyNodes as Record<string, KeyNodes>)[NEXT_LEVEL];
  const acc: Record<string, unknown> | unknown[] = Array.isArray(obj) ? [] : {};
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (typeof v !== 'function') (acc as Record<string, unknown>)[k] = processObj(v, fn, next);
  }
  return acc;
}

function processKeysInObj(obj: Record<string, unknown>, fn: Process, keyNodes: Record<string, KeyNodes>): unknown {
  let acc: Record<string, unknown> | unknown[];
  if (Array.isArray(obj)) acc = obj.filter((item) => typeof item !== 'function');
  else {
    acc = {};
    for (const [k, v] of Object.entries(obj)) if (typeof v !== 'function') acc[k] = v;
  }
  for (const [nodeKey, nodes] of Object.entries(keyNodes)) {
    if (typeof obj[nodeKey] === 'function') continue;
    const processed = processObj(obj[nodeKey], fn, nodes);
    if (processed !== undefined && typeof processed !== 'function')
      (acc as Record<string, unknown>)[nodeKey] = processed;
  }
  return acc;
}

function processAllKeysInObj(obj: unknown, fn: Process, keyNodes: KeyNodes): unknown {
  if (Array.isArray(obj))
    return obj.filter((item) => typeof item !== 'function').map((item) => processObj(item, fn, keyNodes));
  const acc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    if (typeof value === 'function') continue;
    const processed = processObj(value, fn, keyNodes);
    if (processed !== undefined && typeof processed !== 'function') acc[key] = processed;
  }
  return acc;
}

const exceptions = dynamodb as unknown as Record<string, unknown>;

/** dynalite's error body as the SDK would throw it: the modelled exception of that name, or a generic one. */
function serviceException(statusCode: number, requestId: string, body: Record<string, unknown>): Error {
  const type = String(body.__type ?? '');
  const code = type.slice(type.lastIndexOf('#') + 1) || 'UnknownError';
  const message = String(body.message ?? body.Message ?? code);
  const { __type: _t, message: _m, Message: _M, ...rest } = body;
  const $metadata = { httpStatusCode: statusCode, requestId, attempts: 1, totalRetryDelay: 0 };
  const Modelled = exceptions[code];
  if (
    typeof Modelled === 'function' &&
    (Modelled as { prototype: unknown }).prototype instanceof dynamodb.DynamoDBServiceException
  ) {
    return new (Modelled as new (o: object) => Error)({ ...rest, message, $metadata });
  }
  return new dynamodb.DynamoDBServiceException({
    name: code,
    $fault: statusCode >= 500 ? 'server' : 'client',
    message,
    $metadata,
  });
}

/** Adds the in-process path to a document client (the store's); other commands go through the SDK. */
export function sendDocumentsInProcess(client: DynamoDBDocumentClient, dynalite: InProcessDynalite): void {
  const translate =
    (client.config as { translateConfig?: { marshallOptions?: marshallOptions; unmarshallOptions?: object } })
      .translateConfig ?? {};
  // lib-dynamodb's defaults for document commands.
  const marshallOpts = {
    ...translate.marshallOptions,
    convertTopLevelContainer: translate.marshallOptions?.convertTopLevelContainer ?? true,
  };
  const unmarshallOpts = {
    ...translate.unmarshallOptions,
    convertWithoutMapWrapper:
      (translate.unmarshallOptions as { convertWithoutMapWrapper?: boolean } | undefined)?.convertWithoutMapWrapper ??
      true,
  };
  const marshallValue: Process = (v) => marshall(v as Record<string, unknown>, marshallOpts);
  const unmarshallValue: Process = (v) => unmarshall(v as Record<string, dynamodb.AttributeValue>, unmarshallOpts);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = DOCUMENT_COMMANDS[context.commandName ?? ''];
      if (!command) return next(args);
      const input = processKeysInObj(
        (args as { input: Record<string, unknown> }).input,
        marshallValue,
        command.shape.inputKeyNodes as Record<string, KeyNodes>,
      );
      // A fresh object (the marshalled values are new, the rest is copied by dynalite's type checks): no
      // JSON text in between. A top-level undefined (a first page's ExclusiveStartKey) is dropped by those
      // checks as by JSON; marshalled values hold none (removeUndefinedValues), nor do our other fields.
      const { statusCode, requestId, body } = await dynalite.call(command.operation, input as Record<string, unknown>);
      if (statusCode !== 200) throw serviceException(statusCode, requestId, body);
      const output = processKeysInObj(
        body,
        unmarshallValue,
        command.shape.outputKeyNodes as Record<string, KeyNodes>,
      ) as Record<string, unknown>;
      return {
        output: { ...output, $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } },
        response: {},
      } as never;
    },
    { step: 'initialize', priority: 'low', name: 'dunghanInProcessDocuments' },
  );
}
