export type { MediaCall, MediaPeerLike } from './calls.ts';
export { callTag, isMediaCall, mediaMetadata, peerMetadataKey } from './calls.ts';
export type { CaptureOptions, LocalMedia } from './devices.ts';
export { captureLocalMedia, describeError } from './devices.ts';
export type {
  MediaMode,
  MediaRosterView,
  MediaTopology,
  MediaTopologyChoice,
  MediaTile,
  PeerMediaState,
  ReceiveStats,
  SendLayer,
  SendStats,
  RemoteMedia,
  RoomMediaEvents,
  RoomMediaOptions,
} from './room-media.ts';
export { createRoomMedia, defaultAutoSfuAt, RoomMedia } from './room-media.ts';
export type { SfuPass } from './sfu/sfu-link.ts';
export { fullLayerMinWidth } from './sfu/sfu-link.ts';
export type { SfuRoomGrant } from './sfu/sfu-authority.ts';
export { messageTypes as mediaMessageTypes } from './gen/media.ts';
export * as mediaMessages from './gen/media.ts';
export { theme as baseTheme } from './components/shared/theme.ts';
export { BeckonVideoGrid } from './components/video-grid/video-grid.component.ts';
export { BeckonMediaControls } from './components/media-controls/media-controls.component.ts';
export { BeckonMediaToggleEvent, BeckonStageActionEvent } from './components/shared/events.ts';
