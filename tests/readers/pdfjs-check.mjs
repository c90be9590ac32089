// pdfjs-check.mjs - reads each PDF named on the command line with pdf.js
// (pdfjs-dist, legacy build, under Node) the way a viewer does: the
// document, its metadata, outline and attachments, and every page's text,
// annotations and drawing (to a small canvas, which parses every font and
// content stream).  pdf.js recovers from most damage and only logs it, so
// everything it logs at its most talkative level (warnings and infos) is
// a finding, as is any exception -- but for the timings it reports at that
// level ("Info: page=N - getTextContent: time=...ms"), which say nothing
// about the file.
//
//   node tests/readers/pdfjs-check.mjs FILE.pdf...
//
// Prints "FILE: pdf.js: MESSAGE" for every finding; exits 0 when there is
// none, 1 when there is any, 2 when pdf.js itself cannot be loaded (run
// `make test-deps`, which runs `npm ci` in tests/readers).
import { readFile } from "node:fs/promises";

// Everything pdf.js prints goes through console; collect it instead, per
// file.  Installed before pdf.js is loaded, so that what it says while
// loading (a missing canvas package, for one) is not lost either.
let logged = [];
for (const name of ["log", "info", "warn", "error", "debug"]) {
	console[name] = (...args) => {
		logged.push(args.map(String).join(" "));
	};
}
const timing = /^Info: page=\d+ - \w+: time=\d+ms(, len=\d+)?$/;
function takeLogged() {
	const l = logged.filter((line) => !timing.test(line));
	logged = [];
	return l;
}

let pdfjs;
try {
	pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
} catch (e) {
	process.stderr.write(`pdf.js: cannot load pdfjs-dist (run make test-deps): ${e.message}\n`);
	process.exit(2);
}
const startup = takeLogged();
if (startup.length > 0) {
	for (const l of startup)
		process.stderr.write(`pdf.js: while loading: ${l}\n`);
	process.exit(2);
}

// A reader's pass over one document; returns its findings.
async function readDocument(path) {
	const findings = [];
	let doc;

	try {
		const data = new Uint8Array(await readFile(path));
		doc = await pdfjs.getDocument({
			data,
			verbosity: pdfjs.VerbosityLevel.INFOS,
			stopAtErrors: true,
			isEvalSupported: false,
			// no standard font data: a font that is not embedded is
			// a warning, as it should be
			useSystemFonts: false,
		}).promise;
		await doc.getMetadata();
		await doc.getOutline();
		await doc.getAttachments();
		await doc.getPageLabels();
		for (let n = 1; n <= doc.numPages; n++) {
			const page = await doc.getPage(n);
			await page.getTextContent();
			await page.getAnnotations();
			const viewport = page.getViewport({ scale: 0.25 });
			const { canvas, context } = doc.canvasFactory.create(
				Math.ceil(viewport.width), Math.ceil(viewport.height));
			await page.render({ canvasContext: context, viewport }).promise;
			doc.canvasFactory.destroy({ canvas, context });
			page.cleanup();
		}
	} catch (e) {
		findings.push(`error: ${e && e.message ? e.message : e}`);
	}
	if (doc)
		await doc.destroy();
	return takeLogged().concat(findings);
}

if (process.argv.length < 3) {
	process.stderr.write("usage: node pdfjs-check.mjs FILE.pdf...\n");
	process.exit(2);
}
let bad = 0;
for (const path of process.argv.slice(2)) {
	const findings = await readDocument(path);
	for (const f of findings.slice(0, 8))
		process.stdout.write(`${path}: pdf.js: ${f}\n`);
	if (findings.length > 8)
		process.stdout.write(`${path}: pdf.js: ... ${findings.length - 8} more lines\n`);
	if (findings.length > 0)
		bad++;
}
process.exit(bad > 0 ? 1 : 0);
