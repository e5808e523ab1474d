import { LoopbackNetwork } from './loopback.ts';
import { describeTransportSuite } from './test-utils/transport-suite.ts';

describeTransportSuite('loopback', async () => {
  const network = new LoopbackNetwork();
  const a = network.transport('peer-a');
  const b = network.transport('peer-b');
  return {
    a,
    b,
    async cleanup() {
      await a.close();
      await b.close();
    },
  };
});
