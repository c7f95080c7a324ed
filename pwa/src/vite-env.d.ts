/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_BASEMAP_TILES?: string;
  readonly VITE_BASEMAP_GCJ02?: string;
  readonly VITE_BASEMAP_ATTRIBUTION?: string;
}

// exifr's "lite" build (JPEG, HEIC, TIFF, EXIF, GPS) has the package's own types.
declare module 'exifr/dist/lite.esm.mjs' {
  export * from 'exifr';
  export { default } from 'exifr';
}
