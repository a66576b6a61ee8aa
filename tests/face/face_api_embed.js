// Reference descriptors from face-api.js (the npm package @vladmandic/face-api)
// for the golden test: the same 150x150 RGB inputs as the C++ network, run
// through faceRecognitionNet on tfjs's pure-JS 'cpu' or the 'wasm' backend
// (no tfjs-node: it downloads a native binary at install time).
//
// Usage: node face_api_embed.js NODE_MODULES MODEL_DIR INPUT_DIR OUT.json [cpu|wasm] [repeat]
//   INPUT_DIR holds *.rgb files: 150*150*3 bytes, row-major, RGB.
//   OUT.json: {"backend": "...", "descriptors": {"name": [128 numbers]}, "ms": {"name": median}}
// With repeat > 1 each input is embedded that many times and the median time kept
// (bench/face uses it); the first call per backend is a warm-up and not timed.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [nodeModules, modelDir, inputDir, outFile, backend = 'cpu', repeatArg = '1'] = process.argv.slice(2);
  if (!outFile) {
    console.error('usage: face_api_embed.js NODE_MODULES MODEL_DIR INPUT_DIR OUT.json [cpu|wasm] [repeat]');
    process.exit(2);
  }
  const repeat = Math.max(1, parseInt(repeatArg, 10) || 1);
  const faceapi = require(path.join(nodeModules, '@vladmandic/face-api/dist/face-api.node-wasm.js'));
  const tf = faceapi.tf;
  if (backend === 'wasm') {
    // The wasm binaries ship inside the npm package; point tfjs at them on disk.
    const wasmDir = path.join(nodeModules, '@tensorflow/tfjs-backend-wasm/dist') + path.sep;
    faceapi.tf.setWasmPaths(wasmDir);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} not available`);
  await tf.ready();
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

  const names = fs.readdirSync(inputDir).filter((n) => n.endsWith('.rgb')).sort();
  if (names.length === 0) throw new Error(`no .rgb inputs in ${inputDir}`);
  const descriptors = {};
  const ms = {};
  let warm = false;
  for (const name of names) {
    const bytes = fs.readFileSync(path.join(inputDir, name));
    if (bytes.length !== 150 * 150 * 3) throw new Error(`${name}: ${bytes.length} bytes, expected ${150 * 150 * 3}`);
    const input = tf.tensor3d(new Uint8Array(bytes), [150, 150, 3], 'int32');
    if (!warm) { await faceapi.computeFaceDescriptor(input); warm = true; }
    const times = [];
    let d;
    for (let i = 0; i < repeat; i++) {
      const t0 = process.hrtime.bigint();
      d = await faceapi.computeFaceDescriptor(input);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    input.dispose();
    times.sort((a, b) => a - b);
    descriptors[name.replace(/\.rgb$/, '')] = Array.from(d);
    ms[name.replace(/\.rgb$/, '')] = times[Math.floor(times.length / 2)];
  }
  fs.writeFileSync(outFile, JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version_core, descriptors, ms }));
}

main().catch((e) => { console.error(`face_api_embed.js: ${e && e.stack ? e.stack : e}`); process.exit(1); });
