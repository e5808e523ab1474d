// Registers the elements. Import once: `import '@beckon/media/define'`.
import { BeckonMediaControls } from './components/media-controls/media-controls.component.ts';
import { BeckonVideoGrid } from './components/video-grid/video-grid.component.ts';

if (!customElements.get('beckon-video-grid')) customElements.define('beckon-video-grid', BeckonVideoGrid);
if (!customElements.get('beckon-media-controls')) customElements.define('beckon-media-controls', BeckonMediaControls);
