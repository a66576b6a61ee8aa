// face-api.js's whole face stage, for bench/face.sh: detect the face (SSD MobileNet v1,
// face-api.js's default detector), its 68 landmarks, the aligned chip and the 128-d
// descriptor, on the 'wasm' backend -- what our detect + landmarks + chip + embed does.
//
// Usage: node face_api_full.js NODE_MODULES INPUT_DIR OUT.json [repeat]
//   INPUT_DIR holds NAME_WxH.rgb files (W*H*3 bytes, RGB). The models are the ones in
//   the @vladmandic/face-api package itself (the detector and landmark models are
//   only used here, to compare against).
//   OUT.json: {"backend", "ms": {"name": median}, "found": {"name": bool}, "descriptors": {...}}
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [nodeModules, inputDir, outFile, repeatArg = '3'] = process.argv.slice(2);
  if (!outFile) {
    console.error('usage: face_api_full.js NODE_MODULES INPUT_DIR OUT.json [repeat]');
    process.exit(2);
  }
  const repeat = Math.max(1, parseInt(repeatArg, 10) || 1);
  const pkg = path.join(nodeModules, '@vladmandic/face-api');
  const faceapi = require(path.join(pkg, 'dist/face-api.node-wasm.js'));
  const tf = faceapi.tf;
  tf.setWasmPaths(path.join(nodeModules, '@tensorflow/tfjs-backend-wasm/dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs backend wasm not available');
  await tf.ready();
  const models = path.join(pkg, 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });

  const names = fs.readdirSync(inputDir).filter((n) => /_\d+x\d+\.rgb$/.test(n)).sort();
  if (names.length === 0) throw new Error(`no NAME_WxH.rgb inputs in ${inputDir}`);
  const ms = {};
  const found = {};
  const descriptors = {};
  let warm = false;
  for (const name of names) {
    const [, w, h] = name.match(/_(\d+)x(\d+)\.rgb$/).map(Number);
    const bytes = fs.readFileSync(path.join(inputDir, name));
    if (bytes.length !== w * h * 3) throw new Error(`${name}: ${bytes.length} bytes, expected ${w * h * 3}`);
    const input = tf.tensor3d(new Uint8Array(bytes), [h, w, 3], 'int32');
    const run = () => faceapi.detectSingleFace(input, options).withFaceLandmarks().withFaceDescriptor();
    if (!warm) { await run(); warm = true; }
    const times = [];
    let result;
    for (let i = 0; i < repeat; i++) {
      const t0 = process.hrtime.bigint();
      result = await run();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    input.dispose();
    times.sort((a, b) => a - b);
    const key = name.replace(/\.rgb$/, '');
    ms[key] = times[Math.floor(times.length / 2)];
    found[key] = !!result;
    if (result) descriptors[key] = Array.from(result.descriptor);
  }
  fs.writeFileSync(outFile, JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version_core, ms, found, descriptors }));
}

main().catch((e) => { console.error(`face_api_full.js: ${e && e.stack ? e.stack : e}`); process.exit(1); });
