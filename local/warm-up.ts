// A stack just started is cold: DynamoDB Local's JIT compiler has yet to see a read, and the functions' code in
// serverless-offline has yet to run. A burst of requests met that as DynamoDB timeouts (503s) and seconds-long
// answers. `npm start` first sends the sample owner's requests itself, as a client would, so that the developer's
// first burst meets a warm stack.
import { SAMPLE_TOKENS, SEED_DETAILS_INSTANCE } from './sample-data.ts';

const REQUESTS = 1000;
const CONCURRENCY = 25;
const PATHS = ['/api/lambda-instances', `/api/lambda-instances/${SEED_DETAILS_INSTANCE.uuid}`];

/** Sends the sample owner's list and details requests to the API; the answers are not checked (the tests do that). */
export async function warmUp(apiUrl: string): Promise<void> {
  const headers = { Authorization: `Token ${SAMPLE_TOKENS[0]!.token}` };
  let sent = 0;
  const client = async () => {
    while (sent < REQUESTS) {
      const response = await fetch(`${apiUrl}${PATHS[sent++ % PATHS.length]}`, { headers });
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
}
