// The generated sensors module (fixtures/sensors.ts, from protos/examples/sensors.proto) really works.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { Registry, typeId } from '@beckon/core';
import {
  Alert,
  Calibrate,
  Calibrate_Mode,
  Calibrate_Step,
  Location,
  messageTypes,
  Reading,
  SensorList,
  Unit,
} from './fixtures/sensors.ts';

describe('generated sensors module', () => {
  it('reads lanes, policies and size limits from the .proto options', () => {
    expect([Reading.lane, Reading.policy]).toEqual(['unreliable', 'everyone']);
    expect([Calibrate.lane, Calibrate.policy]).toEqual(['reliable', 'host']);
    expect([Alert.lane, Alert.policy, Alert.maxBytes]).toEqual(['reliable', 'nobody', 1024]);
    // No options at all: the defaults.
    expect([SensorList.lane, SensorList.policy, SensorList.maxBytes]).toEqual(['reliable', 'host', 0]);
    expect([Location.lane, Location.policy]).toEqual(['reliable', 'host']);
  });

  it('names every message type by its full name and hashes that to its wire id', () => {
    expect(messageTypes.map((type) => type.name)).toEqual([
      'examples.Location',
      'examples.Reading',
      'examples.Calibrate',
      'examples.Calibrate.Step',
      'examples.Alert',
      'examples.SensorList',
    ]);
    for (const type of messageTypes) expect(type.id).toBe(typeId(type.name));
    expect([...new Registry(messageTypes)]).toHaveLength(messageTypes.length);
  });

  it('exports enums as consts with the .proto values', () => {
    expect(Unit).toEqual({ UNIT_UNSPECIFIED: 0, CELSIUS: 1, PASCAL: 2, PERCENT: 3 });
    expect(Calibrate_Mode.FULL).toBe(2);
  });

  it('round-trips a reading with an enum, an int64 beyond 32 bits, a map, a repeated field and a nested message', () => {
    const at = 2 ** 40 + 123;
    const bytes = Reading.encode({
      sensor: 'thermo-1',
      value: 21.5,
      unit: Unit.CELSIUS,
      at,
      tags: { room: 'B12', kind: 'air' },
      samples: [1.5, -2.25, 0],
      location: { lab: 'physics', bench: 4 },
    });
    const reading = Reading.decode(bytes);
    expect(reading.sensor).toBe('thermo-1');
    expect(reading.value).toBe(21.5);
    expect(reading.unit).toBe(Unit.CELSIUS);
    // Plain number, not a protobufjs Long.
    expect(typeof reading.at).toBe('number');
    expect(reading.at).toBe(at);
    expect({ ...reading.tags }).toEqual({ room: 'B12', kind: 'air' });
    expect(reading.samples).toEqual([1.5, -2.25, 0]);
    expect(reading.location?.lab).toBe('physics');
    expect(reading.location?.bench).toBe(4);
  });

  it('decodes empty bytes to defaults: scalars, enums, maps and repeated present, messages absent', () => {
    const reading = Reading.decode(new Uint8Array(0));
    expect(reading.sensor).toBe('');
    expect(reading.value).toBe(0);
    expect(reading.unit).toBe(Unit.UNIT_UNSPECIFIED);
    expect(reading.at).toBe(0);
    expect(reading.tags).toEqual({});
    expect(reading.samples).toEqual([]);
    expect(reading.location ?? null).toBeNull();
  });

  it('round-trips bytes, nested types and a nested enum', () => {
    const blob = new Uint8Array([0, 1, 254, 255]);
    const calibrate = Calibrate.decode(
      Calibrate.encode({
        sensor: 's',
        offset: -0.5,
        blob,
        steps: [{ target: 20, holdMs: 1500 }, { target: 30 }],
        mode: Calibrate_Mode.FULL,
      }),
    );
    expect(calibrate.blob).toBeInstanceOf(Uint8Array);
    expect([...calibrate.blob]).toEqual([...blob]);
    expect(calibrate.steps.map((step) => [step.target, step.holdMs])).toEqual([
      [20, 1500],
      [30, 0],
    ]);
    expect(calibrate.mode).toBe(Calibrate_Mode.FULL);
    const step = Calibrate_Step.decode(Calibrate_Step.encode({ target: 1, holdMs: 2 }));
    expect([step.target, step.holdMs]).toEqual([1, 2]);
  });

  it('keeps one member of a oneof and says which', () => {
    const alert = Alert.decode(Alert.encode({ sensor: 'p', movedTo: { lab: 'chem', bench: 2 }, raisedAt: 2 ** 45 }));
    expect(alert.detail).toBe('movedTo');
    expect(alert.movedTo?.lab).toBe('chem');
    // Only the member that was set is on the message itself; the others read their prototype defaults.
    expect(Object.hasOwn(alert, 'fault')).toBe(false);
    expect(Object.hasOwn(alert, 'thresholdExceeded')).toBe(false);
    expect(alert.raisedAt).toBe(2 ** 45);
    const fault = Alert.decode(Alert.encode({ fault: 'stuck' }));
    expect([fault.detail, fault.fault]).toEqual(['fault', 'stuck']);
  });

  it('keeps presence of a proto3 optional field and decodes a map of messages', () => {
    const unset = SensorList.decode(SensorList.encode({ sensors: ['a', 'b'] }));
    expect(unset.limit ?? null).toBeNull();
    expect(unset.sensors).toEqual(['a', 'b']);
    const zero = SensorList.decode(SensorList.encode({ limit: 0, locations: { a: { lab: 'x', bench: 1 } } }));
    expect(zero.limit).toBe(0);
    expect(zero.locations['a']?.bench).toBe(1);
  });

  it('overrides the .proto settings in code with `with`', () => {
    const partial = Reading.with({ lane: 'partial' });
    expect([partial.lane, partial.policy, partial.name]).toEqual(['partial', 'everyone', 'examples.Reading']);
    expect(Reading.lane).toBe('unreliable');
  });
});

describe('forward compatibility', () => {
  // The same Reading, one release later: new fields of every wire type, the old ones untouched.
  const newer = protobuf.parse(`
    syntax = "proto3";
    package examples;
    enum Unit { UNIT_UNSPECIFIED = 0; CELSIUS = 1; PASCAL = 2; PERCENT = 3; KELVIN = 4; }
    message Location { string lab = 1; int32 bench = 2; string building = 3; }
    message Reading {
      string sensor = 1;
      double value = 2;
      Unit unit = 3;
      int64 at = 4;
      map<string, string> tags = 5;
      repeated float samples = 6;
      Location location = 7;
      string firmware = 8;
      repeated Location history = 9;
      fixed64 sequence = 10;
      float quality = 11;
      bytes raw = 12;
    }
  `).root;
  const NewReading = newer.lookupType('examples.Reading');

  it('decodes a message from a newer schema with the older generated type, known fields intact', () => {
    const bytes = NewReading.encode({
      sensor: 'thermo-2',
      value: 3.25,
      unit: 4, // KELVIN: unknown to the old enum, kept as its number
      at: 1_700_000_000_000_000,
      tags: { a: '1' },
      samples: [0.5],
      location: { lab: 'bio', bench: 9, building: 'north' },
      firmware: '2.0.1',
      history: [{ lab: 'old', bench: 1 }],
      sequence: 77,
      quality: 0.75,
      raw: new Uint8Array([9, 9]),
    }).finish();
    const reading = Reading.decode(bytes);
    expect(reading.sensor).toBe('thermo-2');
    expect(reading.value).toBe(3.25);
    expect(reading.unit).toBe(4);
    expect(reading.at).toBe(1_700_000_000_000_000);
    expect({ ...reading.tags }).toEqual({ a: '1' });
    expect(reading.samples).toEqual([0.5]);
    expect([reading.location?.lab, reading.location?.bench]).toEqual(['bio', 9]);
    expect(reading).not.toHaveProperty('firmware');
  });

  it('decodes an older message with the newer schema, new fields at their defaults', () => {
    const bytes = Reading.encode({ sensor: 'old', at: 5, location: { lab: 'x', bench: 2 } });
    const reading = NewReading.toObject(NewReading.decode(bytes), { defaults: true, longs: Number });
    expect(reading['sensor']).toBe('old');
    expect(reading['at']).toBe(5);
    expect(reading['firmware']).toBe('');
    expect(reading['history']).toEqual([]);
  });
});
