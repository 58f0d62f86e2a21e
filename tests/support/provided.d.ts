// What the global setups hand to the test files (vitest's provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    apiBaseUrl: string;
    /** Where push clients connect (ws://127.0.0.1:<port>). */
    websocketUrl: string;
  }
}

export {};
