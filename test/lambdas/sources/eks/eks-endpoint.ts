/**
 * A loopback stand-in for the EKS control-plane API (REST-JSON), enough for `DescribeCluster` with the
 * real `@aws-sdk/client-eks` pointed at it: clusters by name, AccessDenied injection, request count.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What DescribeCluster returns for one cluster. */
export interface FakeCluster {
  readonly name: string;
  readonly endpoint?: string;
  /** PEM; served base64-encoded as EKS does. */
  readonly caPem?: string;
  readonly status?: string;
}

/** A running stand-in. */
export interface EksEndpoint {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Names asked for, in order. */
  readonly described: string[];
  /** Answer AccessDeniedException for every request from now on. */
  denyAccess(): void;
  close(): Promise<void>;
}

/** Starts the stand-in on an ephemeral port of 127.0.0.1. */
export async function startEksEndpoint(clusters: readonly FakeCluster[]): Promise<EksEndpoint> {
  const described: string[] = [];
  let denied = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown, errorType?: string): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      res.end(JSON.stringify(body));
    };
    const match = /^\/clusters\/([^/?]+)$/.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (req.method !== 'GET' || !match) return send(404, { message: 'unknown operation' }, 'NotFoundException');
    const name = decodeURIComponent(match[1] as string);
    described.push(name);
    if (denied) {
      return send(
        403,
        {
          message: `User: arn:aws:sts::111122223333:assumed-role/drift-audit/test is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:eu-west-1:111122223333:cluster/${name}`,
        },
        'AccessDeniedException',
      );
    }
    const cluster = clusters.find((c) => c.name === name);
    if (!cluster) return send(404, { message: `No cluster found for name: ${name}.` }, 'ResourceNotFoundException');
    send(200, {
      cluster: {
        name: cluster.name,
        arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${cluster.name}`,
        status: cluster.status ?? 'ACTIVE',
        ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
        ...(cluster.caPem ? { certificateAuthority: { data: Buffer.from(cluster.caPem).toString('base64') } } : {}),
      },
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    described,
    denyAccess: () => {
      denied = true;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
