/** The proxies' one way to pass an HTTP request on: to `target`, headers unchanged, the answer piped back to `res`. */
import http from 'node:http';

/** The request to `target`, its body still to be written (piped or ended) by the caller. */
export function forwardRequest(target: URL, req: http.IncomingMessage, res: http.ServerResponse): http.ClientRequest {
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.once('error', () => res.destroy());
  return upstream;
}
