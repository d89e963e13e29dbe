/**
 * The result files a request asked for, written after the work landed: the digest file, the JSON report, and
 * Tekton's results folder (IMAGE_DIGEST and IMAGE_URL are what Tekton Chains reads; IMAGE_REF and IMAGES beside
 * them; IMAGE_ARTIFACT_OUTPUTS, an object result, is what Chains' slsa/v2alpha4 takes as the build's subject).
 * Written with no trailing newline: all results of a pod share one small termination message.
 */
import { join } from 'node:path';
import { writeResultFile as write } from '../host/files.js';
import type { PushReport } from './push.js';
import type { ResultFiles } from './request.js';
import type { ImageReport } from './result.js';

/** Tekton's results: name → text. */
export function tektonResults(r: ImageReport | PushReport): Record<string, string> {
  if (!('imageRef' in r)) return { IMAGE_DIGEST: r.digest };
  // Pushed by digest, nothing is tagged: the image's repository is still where it landed.
  const repos = r.tags.length ? [...new Set(r.tags.map((t) => t.replace(/:[^:/]+$/, '')))] : [r.image];
  return {
    IMAGE_DIGEST: r.digest,
    IMAGE_URL: r.tags[0] ?? r.imageRef,
    IMAGE_REF: r.imageRef,
    IMAGES: repos.map((x) => `${x}@${r.digest}`).join(','),
    // Chains reads any *ARTIFACT_OUTPUTS object result {uri, digest}; only isBuildArtifact "true" makes it a
    // subject of slsa/v2alpha4 provenance rather than a by-product.
    IMAGE_ARTIFACT_OUTPUTS: JSON.stringify({ uri: r.image, digest: r.digest, isBuildArtifact: 'true' }),
  };
}

export function writeResultFiles(files: ResultFiles, r: ImageReport | PushReport): void {
  if (files.digestFile) write('digest-file', files.digestFile, r.digest);
  if (files.report) write('report', files.report, `${JSON.stringify(r, null, 2)}\n`);
  if (files.resultsDir) {
    for (const [name, text] of Object.entries(tektonResults(r)))
      write('results-dir', join(files.resultsDir, name), text);
  }
}
