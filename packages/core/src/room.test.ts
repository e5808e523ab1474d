import { LoopbackNetwork } from './loopback.ts';
import { describeRoomSuite } from './test-utils/room-suite.ts';

describeRoomSuite('loopback', async () => {
  const network = new LoopbackNetwork();
  return {
    async transport(id) {
      return network.transport(id);
    },
    async cleanup() {},
  };
});
