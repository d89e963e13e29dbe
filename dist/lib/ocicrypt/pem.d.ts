export interface PemBlock {
    label: string;
    /** The block re-assembled from trimmed lines, as node's PEM parsers read it. */
    text: string;
    /** RFC 1421 headers (Proc-Type, DEK-Info): a legacy encrypted private key. */
    headers: boolean;
    /** 1-based position among the input's blocks. */
    number: number;
}
/** "keys/team.pem (PEM block 2)": how messages name a block. */
export declare function blockName(source: string, number: number): string;
/** Every block in `text`, checked for shape (BEGIN, base64, matching END); parsing the keys is the caller's. */
export declare function pemBlocks(text: string, source: string): PemBlock[];
