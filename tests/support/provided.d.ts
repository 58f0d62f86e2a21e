// What the global setups hand to the test files (vitest's provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    apiBaseUrl: string;
  }
}

export {};
