/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_BASEMAP_TILES?: string;
  readonly VITE_BASEMAP_GCJ02?: string;
  readonly VITE_BASEMAP_ATTRIBUTION?: string;
}
