// `npm run lint`'s check of asyncapi.yaml: the AsyncAPI parser's own validation (the AsyncAPI 3 schema and its
// recommended rules), with the document's references to openapi.yaml resolved from the file. Any diagnostic, even
// a hint, fails it, as spectral fails openapi.yaml's warnings.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';

const path = fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
const { document, diagnostics } = await new Parser().parse(readFileSync(path, 'utf8'), { source: path });
for (const { code, message, path: at } of diagnostics)
  console.error(`asyncapi.yaml ${at.join('.')}: ${code}: ${message}`);
if (document === undefined || diagnostics.length > 0) process.exit(1);
console.log(`asyncapi.yaml: valid AsyncAPI ${document.version()}, ${document.allMessages().length} messages`);
