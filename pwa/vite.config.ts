// Wuhao phone web app. Everything is bundled and served by our own server (no CDN).
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2020',
    assetsInlineLimit: 0, // keep the CSP simple: no data: scripts or fonts
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1200, // maplibre-gl is big but lazy-loaded
  },
  server: {
    // `npm run dev` talks to a local `make serve`.
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false, // registered in src/sw-register.ts (no inline script: CSP)
      registerType: 'prompt',
      manifestFilename: 'manifest.webmanifest',
      injectManifest: {
        globPatterns: ['**/*.{js,mjs,css,html,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
      },
      manifest: {
        id: '/',
        name: '五好小区巡查',
        short_name: '五好巡查',
        description: '五好小区巡查 · 网格员离线巡查、拍照取证、自动同步',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#1f6f4a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
