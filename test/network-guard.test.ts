import net from 'node:net';

describe('test network guard', () => {
  it('when a test tries to reach another host, then the connection is refused before it leaves', () => {
    expect(() => net.connect(80, '93.184.216.34')).toThrow(/Outbound network is blocked/);
    expect(() => net.connect({ host: 'example.com', port: 443 })).toThrow(/Outbound network is blocked/);
  });

  it('when a test talks to loopback, then it is allowed', (done) => {
    const server = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        server.close(() => done());
      });
    });
  });
});
