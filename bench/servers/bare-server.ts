/** S0: a bare node:http server answering a fixed JSON body: the ceiling of this machine. */
import { createServer } from 'node:http';

const body = JSON.stringify({ data: { tasks: { edges: Array.from({ length: 20 }, (_, i) => ({ node: { id: String(i), title: `Task ${i}` } })) } } });
createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
