import { render } from 'preact';
import { boot } from './app-state';
import { lang } from './i18n';
import { registerServiceWorker } from './sw-register';
import './styles.css';
import { App } from './ui/app';

document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
// A request cancelled on purpose (leaving a screen, MapLibre removing a map mid-load) is not an
// error: nobody waits for it. Anything else still reaches the console.
window.addEventListener('unhandledrejection', (event) => {
  if ((event.reason as { name?: string } | null)?.name === 'AbortError') event.preventDefault();
});
registerServiceWorker();
render(<App />, document.getElementById('app')!);
void boot();
