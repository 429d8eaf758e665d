/** Types of scripts/build-stamp.js, which stays plain JavaScript so that jest's globalSetup can load it. */
export declare const STAMP: string
export declare function sourcesHash(root: string): string
export declare function writeStamp(root: string, sources: string): void
export declare function distIsFresh(root: string): boolean
