/// <reference types="vite/client" />

// exifr's "lite" build (JPEG, HEIC, TIFF, EXIF, GPS) has the package's own types.
declare module 'exifr/dist/lite.esm.mjs' {
  export * from 'exifr';
  export { default } from 'exifr';
}
