// The generated sensors module (fixtures/sensors.ts, from protos/examples/sensors.proto) really works.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { EncodeError, Registry, typeId } from '@beckon/core';
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
    expect([Reading.lane, Reading.policy]).toEqual(['unreliable', 'member-to-everyone']);
    expect([Calibrate.lane, Calibrate.policy]).toEqual(['reliable', 'member-to-host']);
    expect([Alert.lane, Alert.policy, Alert.maxBytes]).toEqual(['reliable', 'host-to-members', 1024]);
    // No options at all: the defaults.
    expect([SensorList.lane, SensorList.policy, SensorList.maxBytes]).toEqual(['reliable', 'member-to-host', 0]);
    expect([Location.lane, Location.policy]).toEqual(['reliable', 'member-to-host']);
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
    const at = 2n ** 60n + 1n; // beyond 2^53: a number would round it
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
    // An exact bigint, not a rounded number or a protobufjs Long.
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
    expect(reading.at).toBe(0n);
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
    const alert = Alert.decode(Alert.encode({ sensor: 'p', detail: { case: 'movedTo', value: { lab: 'chem', bench: 2 } }, raisedAt: 2n ** 45n }));
    expect(alert.detail).toEqual({ case: 'movedTo', value: { lab: 'chem', bench: 2 } });
    // A discriminated union: the other members are not readable at all (they read "" before).
    if (alert.detail.case === 'movedTo') expect(alert.detail.value.lab).toBe('chem');
    expect(alert).not.toHaveProperty('fault');
    expect(alert.raisedAt).toBe(2n ** 45n);
    const fault = Alert.decode(Alert.encode({ detail: { case: 'fault', value: 'stuck' } }));
    expect(fault.detail).toEqual({ case: 'fault', value: 'stuck' });
    expect(Alert.decode(Alert.encode({ sensor: 'q' })).detail).toEqual({ case: undefined });
    // @ts-expect-error a case's value must have that member's type
    const mismatched: Parameters<typeof Alert.encode>[0] = { detail: { case: 'fault', value: 3.5 } };
    void mismatched;
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
    expect([partial.lane, partial.policy, partial.name]).toEqual(['partial', 'member-to-everyone', 'examples.Reading']);
    expect(Reading.lane).toBe('unreliable');
    // The old policy names still work in code, as their new names.
    expect(Reading.with({ policy: 'nobody' }).policy).toBe('host-to-members');
  });

  it('writes 64-bit values exactly from a bigint or a decimal string, and refuses what would be lossy', () => {
    expect(Reading.decode(Reading.encode({ at: '1152921504606846977' as unknown as bigint })).at).toBe(1152921504606846977n);
    expect(Reading.decode(Reading.encode({ at: -(2n ** 63n) })).at).toBe(-(2n ** 63n));
    expect(Reading.decode(Reading.encode({ at: 12 as unknown as bigint })).at).toBe(12n);
    // A float, an unsafe number, junk and out-of-range values throw instead of encoding 0 or a rounded number.
    for (const at of [1.5, 2 ** 60, 'twelve', 2n ** 63n, {}]) {
      expect(() => Reading.encode({ at: at as bigint })).toThrow(EncodeError);
    }
    expect(() => Reading.encode({ at: 1.5 as unknown as bigint })).toThrow(/examples\.Reading\.at: expected int64/);
  });

  it('refuses values of the wrong JavaScript type with an error naming the field', () => {
    const wrong: [object, RegExp][] = [
      [{ value: '21.5' }, /Reading\.value: expected a number, got the string "21\.5"/],
      [{ sensor: 7 }, /Reading\.sensor: expected a string/],
      [{ samples: 3 }, /Reading\.samples: expected an array/],
      [{ location: { bench: 1.5 } }, /Location\.bench: expected int32/],
      [{ tags: { a: 1 } }, /Reading\.tags: expected a string/],
    ];
    for (const [value, message] of wrong) expect(() => Reading.encode(value as never)).toThrow(message);
    expect(() => Calibrate.encode({ steps: [{ holdMs: -1 }] })).toThrow(/holdMs: expected uint32/);
    expect(() => Calibrate.encode({ blob: [1, 2] as unknown as Uint8Array })).toThrow(/blob: expected bytes/);
    expect(() => Alert.encode({ detail: { case: 'nope', value: 1 } as never })).toThrow(/Alert\.detail: expected a oneof/);
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
      at: '1700000000000000001',
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
    expect(reading.at).toBe(1700000000000000001n);
    expect({ ...reading.tags }).toEqual({ a: '1' });
    expect(reading.samples).toEqual([0.5]);
    expect([reading.location?.lab, reading.location?.bench]).toEqual(['bio', 9]);
    expect(reading).not.toHaveProperty('firmware');
  });

  it('decodes an older message with the newer schema, new fields at their defaults', () => {
    const bytes = Reading.encode({ sensor: 'old', at: 5n, location: { lab: 'x', bench: 2 } });
    const reading = NewReading.toObject(NewReading.decode(bytes), { defaults: true, longs: Number });
    expect(reading['sensor']).toBe('old');
    expect(reading['at']).toBe(5);
    expect(reading['firmware']).toBe('');
    expect(reading['history']).toEqual([]);
  });
});
