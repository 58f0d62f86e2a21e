// What plugins/esbuild-plugins.cjs (and Vite, in the tests) make of two kinds of import, resolved at build time.

/** A file's text. */
declare module '*?raw' {
  const text: string;
  export default text;
}

/** A YAML document's value. */
declare module '*.yaml' {
  const value: unknown;
  export default value;
}
