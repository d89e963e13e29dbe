/**
 * Media types we read and write, and the `+encrypted` rules of containers/image (manifest/oci.go
 * getEncryptedMediaType): the suffix goes on the whole current media type, and only layer types can carry it.
 */
export declare const MT: {
    readonly ociIndex: "application/vnd.oci.image.index.v1+json";
    readonly ociManifest: "application/vnd.oci.image.manifest.v1+json";
    readonly ociConfig: "application/vnd.oci.image.config.v1+json";
    readonly ociLayer: "application/vnd.oci.image.layer.v1.tar";
    readonly ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip";
    readonly ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd";
    readonly ociForeignLayer: "application/vnd.oci.image.layer.nondistributable.v1.tar";
    readonly dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json";
    readonly dockerManifest: "application/vnd.docker.distribution.manifest.v2+json";
    readonly dockerConfig: "application/vnd.docker.container.image.v1+json";
    readonly dockerLayer: "application/vnd.docker.image.rootfs.diff.tar";
    readonly dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip";
    readonly dockerForeignLayer: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
};
export declare function isIndexMediaType(mt: string | undefined): boolean;
export declare function isManifestMediaType(mt: string | undefined): boolean;
export declare function isEncryptedMediaType(mt: string): boolean;
/**
 * The OCI media type a layer gets when an image is converted from docker schema2 to OCI, as containers/image
 * `convertToManifestOCI1` maps it. Already-OCI types are returned unchanged.
 */
export declare function ociLayerMediaType(mt: string): string;
/** Whether a (possibly docker) layer media type can be encrypted once converted to OCI. */
export declare function isEncryptableLayer(mt: string): boolean;
export declare function encryptedMediaType(mt: string): string;
export declare function decryptedMediaType(mt: string): string;
