export declare const CA_HINT = "give the registry CA (ca-cert; --ca-file on the command line) as -----BEGIN CERTIFICATE----- PEM text, or the path of such a file or of a folder of them";
/** `text` unchanged when it holds at least one certificate and all of them parse; `input: …` errors otherwise. */
export declare function checkCaBundle(text: string, source: string, input: string): string;
