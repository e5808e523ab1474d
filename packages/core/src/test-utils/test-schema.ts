// Core's test schema, generated from protos/test/core-test.proto like any app's.
import { Announcement, Chat, Cursor, File, RaiseHand, Tiny } from './gen/core-test.ts';

export { Announcement, Chat, Cursor, File, RaiseHand, Tiny, Unknown } from './gen/core-test.ts';

export const hostTypes = [Chat, RaiseHand, Cursor, Announcement, File, Tiny];
