/**
 * Media types we read and write, and the `+encrypted` rules of containers/image (manifest/oci.go
 * getEncryptedMediaType): the suffix goes on the whole current media type, and only layer types can carry it.
 */
export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociForeignLayer: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

const ENCRYPTED_SUFFIX = '+encrypted';

export function isIndexMediaType(mt: string | undefined): boolean {
  return mt === MT.ociIndex || mt === MT.dockerManifestList;
}

export function isManifestMediaType(mt: string | undefined): boolean {
  return mt === MT.ociManifest || mt === MT.dockerManifest;
}

export function isEncryptedMediaType(mt: string): boolean {
  return mt.endsWith(ENCRYPTED_SUFFIX);
}

/** The base types (before the first `+`) that ocicrypt may encrypt. */
const ENCRYPTABLE_BASES = new Set<string>([MT.ociLayer, MT.ociForeignLayer]);

/**
 * The OCI media type a layer gets when an image is converted from docker schema2 to OCI, as containers/image
 * `convertToManifestOCI1` maps it. Already-OCI types are returned unchanged.
 */
export function ociLayerMediaType(mt: string): string {
  switch (mt) {
    case MT.dockerLayerGzip:
      return MT.ociLayerGzip;
    case MT.dockerLayer:
      return MT.ociLayer;
    case MT.dockerForeignLayer:
      return `${MT.ociForeignLayer}+gzip`;
    default:
      return mt;
  }
}

/** Whether a (possibly docker) layer media type can be encrypted once converted to OCI. */
export function isEncryptableLayer(mt: string): boolean {
  const oci = ociLayerMediaType(mt);
  if (isEncryptedMediaType(oci)) return false;
  const base = oci.split('+')[0] ?? '';
  return ENCRYPTABLE_BASES.has(base) || base === 'application/vnd.wasm.content.layer.v1';
}

export function encryptedMediaType(mt: string): string {
  return ociLayerMediaType(mt) + ENCRYPTED_SUFFIX;
}

export function decryptedMediaType(mt: string): string {
  return isEncryptedMediaType(mt) ? mt.slice(0, -ENCRYPTED_SUFFIX.length) : mt;
}
