/**
 * The Action's inputs: read once by getInputs (main.ts) into strings keyed by the action.yml names, then handed
 * to the one request layer (pipeline/request.ts), which checks them the way the CLI and Tekton are checked.
 */
import { fromStrings, type InputName, type Request, type RequestStrings } from '../pipeline/request.js';
import { execCommand } from './command.js';

export type Inputs = Record<Exclude<ActionInput, 'tags' | 'recipients'>, string> & {
  tags: string[];
  recipients: string[];
};

/** The action.yml inputs: the request's names but the CLI-only ones. */
export type ActionInput = Exclude<InputName, 'report' | 'results-dir'>;

/** Lists (tags, recipients) come newline- or comma-separated, as docker/metadata-action writes them. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Inputs → the checked request: pure but for reading the key and CA files the inputs name. */
export function optionsFrom(inputs: Inputs, env: Record<string, string | undefined>): Request {
  const strings: RequestStrings = inputs;
  return fromStrings('encrypt', strings, {
    env,
    userAgent: 'oci-encrypt-push-action',
    runCommand: execCommand,
  });
}
