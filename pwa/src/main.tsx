import { render } from 'preact';
import { boot } from './app-state';
import { lang } from './i18n';
import { registerServiceWorker } from './sw-register';
import './styles.css';
import { App } from './ui/app';

document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
registerServiceWorker();
render(<App />, document.getElementById('app')!);
void boot();
