import { hostRoom, joinRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { Alert, Reading, Unit } from './gen/sensors.ts';

export interface Server {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

/**
 * A lab hub (the room's host) and a thermometer (a member). Readings stream on the unreliable lane;
 * the hub answers each reading above 30 °C with an alert on the reliable lane, to that sensor only.
 */
export async function runExample(server: Server, hubId: string, count = 50) {
  const hub = hostRoom({ transport: await createPeerJsTransport({ ...server, id: hubId }), name: 'Hub', types: [Reading] });
  let hot = 0;
  hub.on(Reading, (reading, meta) => {
    if (reading.value <= 30) return;
    hot++;
    hub.send(Alert, { sensor: reading.sensor, detail: { case: 'thresholdExceeded', value: reading.value }, raisedAt: BigInt(Date.now()) }, { to: meta.from });
  });

  const alerts: Alert[] = [];
  const sensor = await joinRoom({ transport: await createPeerJsTransport(server), hostId: hubId, name: 'Thermometer' }, (room) =>
    room.on(Alert, (alert) => alerts.push(alert)),
  );
  for (let i = 0; i < count; i++) {
    sensor.send(Reading, { sensor: 't1', value: 20 + i, unit: Unit.CELSIUS, at: BigInt(Date.now()) * 1000n, samples: [20 + i] });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));

  const lanes = [...(sensor.link()?.lanes.values() ?? [])];
  await sensor.leave();
  await hub.close();
  return { hot, alerts, lanes };
}
