import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';

/**
 * The hot path of the API: `POST /graphql` with a JSON body, handed to Apollo
 * from node:http directly (as Apollo's own standalone server does), skipping
 * Express on the hot path; everything else (GET, the landing page, other routes,
 * bodies in other encodings) still goes through Express, with the same answers.
 */
export function isPlainGraphqlPost(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const end = url.indexOf('?');
  if ((end === -1 ? url : url.slice(0, end)) !== path) return false;
  const type = req.headers['content-type'] ?? '';
  const encoding = req.headers['content-encoding'];
  return /^application\/json\s*(;|$)/i.test(type) && (!encoding || encoding === 'identity');
}

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON object or array (as express.json's strict mode), refusing more than `limitBytes`. */
export function readJsonBody(req: IncomingMessage, limitBytes: number, limitLabel: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => new BodyError(413, 'DOCUMENT_TOO_LARGE', `Request body larger than ${limitLabel}`);
    if (declared > limitBytes) {
      req.resume(); // discard, so the client can read the answer
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (error) => {
      failed = true;
      reject(new BodyError(400, 'BAD_REQUEST', error.message));
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') return resolve({});
      const first = text.trimStart()[0];
      if (first !== '{' && first !== '[') return reject(new BodyError(400, 'BAD_REQUEST', 'The request body must be a JSON object'));
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new BodyError(400, 'BAD_REQUEST', (error as Error).message));
      }
    });
  });
}

export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** One POSTed GraphQL request through Apollo's HTTP pipeline, written to the node:http response. */
export async function answerGraphqlPost<C extends BaseContext>(
  apollo: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  context: ContextThunk<C>,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: query === -1 ? '' : url.slice(query), body },
    context,
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
