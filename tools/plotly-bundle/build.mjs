// Build assets/vendor/plotly-atlas.min.js: plotly.js with only the trace types Atlas Kawasan draws.
//
// The same steps as plotly.js's own partial bundles (tasks/partial_bundle.mjs in its repository):
// lib/core plus one lib/<trace> module per trace type, bundled by esbuild as an IIFE that defines
// the global `Plotly`, with the attribute meta-data (descriptions) stripped, CSS inlined and the
// licence header prepended. Run with `npm ci && npm run build` in this directory.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';

// Every trace type in dashboard/ (go.Bar, add_scatter, go.Choroplethmap, go.Scattermap).
// tests/browser/test_plotly_bundle.py checks that the page registers exactly these.
const TRACES = ['bar', 'scatter', 'choroplethmap', 'scattermap'];

// MapLibre 6's own dist files are ES2020 (optional chaining): an older target only made esbuild
// rewrite its syntax longer (~3 kB gzip), never let an older browser run it.
const TARGET = 'es2020';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const plotlyDir = path.dirname(require.resolve('plotly.js/package.json'));
const version = JSON.parse(readFileSync(path.join(plotlyDir, 'package.json'), 'utf8')).version;
const outfile = path.resolve(here, '../../assets/vendor/plotly-atlas.min.js');

// The entry point, as plotly.js writes lib/index-<name>.js for its partial bundles.
const entry = [
    "'use strict';",
    "var Plotly = require('./core');",
    `Plotly.register([${TRACES.map((t) => `require('./${t}')`).join(', ')}]);`,
    'module.exports = Plotly;',
    '',
].join('\n');

// plotly.js strips these attribute meta-data from its dist bundles (tasks/compress_attributes.js):
// they only document the schema. A property is removed only when its value is built from string
// literals alone (a string, an array of strings, `[...].join(' ')`, `'a' + 'b'`); anything else is
// left as it is.
const META_KEYS = /(^|[{,\s])(description|requiredOpts|otherOpts|hrName)\s*:\s*/g;
const CONSTANT_STRINGS = /^(?:\s|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|[[\](),+]|\.join\b)*$/;

// The end of the expression that starts at `from`: the first `,` `}` `)` or `]` outside brackets
// and string literals.
function expressionEnd(code, from) {
    let depth = 0;
    for (let i = from; i < code.length; i++) {
        const c = code[i];
        if (c === "'" || c === '"' || c === '`') {
            for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
        } else if (c === '[' || c === '(' || c === '{') depth++;
        else if (c === ']' || c === ')' || c === '}') {
            if (depth === 0) return i;
            depth--;
        } else if (c === ',' && depth === 0) return i;
    }
    return code.length;
}

function stripMeta(code) {
    let out = '';
    let last = 0;
    for (const match of code.matchAll(META_KEYS)) {
        const keyStart = match.index + match[1].length;
        if (keyStart < last) continue;
        const valueStart = match.index + match[0].length;
        const end = expressionEnd(code, valueStart);
        if (!CONSTANT_STRINGS.test(code.slice(valueStart, end))) continue;
        out += code.slice(last, keyStart);
        last = code[end] === ',' ? end + 1 : end;
    }
    return out + code.slice(last);
}

const stripAttributeMeta = {
    name: 'strip-attribute-meta',
    setup(b) {
        b.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/].*\.js$/ }, (args) => ({
            contents: stripMeta(readFileSync(args.path, 'utf8')),
            loader: 'js',
        }));
    },
};

// The MapLibre controls plotly.js never adds (it adds only a compact attribution): their rules
// (mostly SVG icons as data URIs, ~9 kB gzip) are left out of the stylesheet.
const UNUSED_CONTROLS = /ctrl-(logo|geolocate|fullscreen|shrink|compass|zoom-in|zoom-out|terrain|globe|scale)|popup|marker|user-location|boxzoom|cooperative/;

// The top-level rules of a minified stylesheet; an @media block keeps only its rules that stay,
// and goes when none does.
function pruneCss(css) {
    const rules = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < css.length; i++) {
        if (css[i] === '{') depth++;
        else if (css[i] === '}' && --depth === 0) {
            rules.push(css.slice(start, i + 1));
            start = i + 1;
        }
    }
    return rules
        .map((rule) => {
            if (!rule.startsWith('@media')) return UNUSED_CONTROLS.test(rule) ? '' : rule;
            const open = rule.indexOf('{');
            const inner = pruneCss(rule.slice(open + 1, -1));
            return inner ? rule.slice(0, open + 1) + inner + '}' : '';
        })
        .join('');
}

// maplibre-gl's stylesheet, injected once as a <style> element (the id is stable across machines).
const inlineCss = {
    name: 'inline-css',
    setup(b) {
        b.onLoad({ filter: /\.css$/ }, (args) => {
            const id = 'plotly-atlas-' + path.basename(args.path, '.css');
            const css = JSON.stringify(pruneCss(readFileSync(args.path, 'utf8')));
            return {
                contents: `if (!document.getElementById('${id}')) { var e = document.createElement('style');
                    e.id = '${id}'; e.textContent = ${css}; document.head.appendChild(e); }`,
                loader: 'js',
            };
        });
    },
};

// MapLibre 6 splits into a main-thread chunk and a worker chunk that both import a shared chunk
// (~0.15 MB gzip). plotly.js embeds a worker built with its own copy of the shared chunk as a
// string, so a first visit downloaded that code twice. Here the shared chunk is in the bundle once,
// as a string (a script that sets a global): the page evaluates it when MapLibre first needs it,
// and the worker's source (a module worker from a blob, as plotly.js makes it) is that same
// string followed by the ~6 kB worker chunk. Both chunks read the shared code from the global.
const SHARED_GLOBAL = '__atlasMaplibreShared';

// The shared chunk as a script that sets the global.
const shared = await build({
    bundle: true,
    minify: true,
    target: TARGET,
    logLevel: 'info',
    stdin: {
        contents: `import * as shared from './maplibre-gl-shared.mjs'; globalThis.${SHARED_GLOBAL} = shared;`,
        resolveDir: path.join(path.dirname(require.resolve('maplibre-gl/package.json')), 'dist'),
        sourcefile: 'maplibre-gl-shared-atlas.js',
    },
    write: false,
    format: 'iife',
    legalComments: 'none', // the same MapLibre licence is in the bundle's licence comments
});
// A string in the bundle, which terser's pass over the bundle cannot shrink: it gets its own.
const sharedCode =
    (await minify(shared.outputFiles[0].text, { compress: { passes: 2 }, mangle: true })).code +
    '\n//# sourceURL=maplibre-gl-shared.js\n';

// `./maplibre-gl-shared.mjs`, as the main-thread and worker chunks import it: the global, which
// the page sets by evaluating the string (module `shared-code`) once and the worker's source sets
// by running it first. CSP: script-src already has 'unsafe-eval' (Plotly compiles its shaders).
function sharedFromGlobal(evaluate) {
    return {
        name: 'maplibre-shared-from-global',
        setup(b) {
            b.onResolve({ filter: /maplibre-gl-shared\.mjs$/ }, () => ({ path: 'shared', namespace: 'maplibre-shared' }));
            b.onResolve({ filter: /^shared-code$/ }, () => ({ path: 'code', namespace: 'maplibre-shared' }));
            b.onLoad({ filter: /^shared$/, namespace: 'maplibre-shared' }, () => ({
                contents: evaluate
                    ? `if (!globalThis.${SHARED_GLOBAL}) (0, eval)(require('shared-code'));
                       module.exports = globalThis.${SHARED_GLOBAL};`
                    : `module.exports = globalThis.${SHARED_GLOBAL};`,
                loader: 'js',
            }));
            b.onLoad({ filter: /^code$/, namespace: 'maplibre-shared' }, () => ({
                contents: `module.exports = ${JSON.stringify(sharedCode)};`,
                loader: 'js',
            }));
        },
    };
}

// A package plotly.js requires that the page never calls, replaced by ``contents``.
function replaced(name, specifier, contents) {
    const filter = new RegExp(`^${specifier.replace(/[.\/]/g, '\\$&')}$`);
    return {
        name,
        setup(b) {
            b.onResolve({ filter }, () => ({ path: name, namespace: name }));
            b.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, loader: 'js' }));
        },
    };
}
const unusedPackages = [
    // Country names to ISO codes (~18 kB gzip): only `locationmode` of the geo traces (choropleth,
    // scattergeo) looks them up, and the bundle has neither; choroplethmap matches GeoJSON ids.
    replaced(
        'no-country-names',
        'country-iso-search',
        'module.exports = { COUNTRIES: [], createLookup: () => ({ lookupAlpha3: () => undefined }) };',
    ),
    // Polygon unions and differences (~4 kB gzip) combine a shift-drag selection with the previous
    // one: the charts' mode bars have no select or lasso (dashboard/widgets.py) and no figure sets
    // a select drag mode, so no selection is ever drawn.
    replaced(
        'no-polybool',
        'polybooljs',
        "const none = () => { throw new Error('no selections in this bundle'); }; module.exports = { union: none, difference: none };",
    ),
    // A Promise polyfill (~1 kB gzip): every browser the map runs in (WebGL 2) has Promise.
    replaced('no-promise-polyfill', 'native-promise-only', 'module.exports = Promise;'),
];

// Only the components the dashboard's figures use stay registered (lib/core registers them all):
// no 3-D annotations, update menus, sliders, range sliders or selectors, layout images, error
// bars or subplot grids. plotly.js asks its registry for a component and gets a no-op when it is
// missing, as in its own partial bundles.
const UNUSED_COMPONENTS = ['annotations3d', 'updatemenus', 'sliders', 'rangeslider', 'rangeselector', 'images', 'errorbars', 'grid'];
const trimCore = {
    name: 'trim-core',
    setup(b) {
        b.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/]core\.js$/ }, (args) => {
            let code = readFileSync(args.path, 'utf8');
            for (const name of UNUSED_COMPONENTS) {
                const line = new RegExp(`\\n\\s*require\\('\\./components/${name}'\\),?`);
                if (!line.test(code)) throw new Error(`src/core.js no longer registers ${name}`);
                code = code.replace(line, '');
            }
            return { contents: stripMeta(code), loader: 'js' };
        });
    },
};

// plotly.js's map subplot (src/plots/map/map.js) resizes the map on every Plotly.react, so each Dash
// figure update painted full extra frames, ~1-2 s each in software WebGL at 20,000 zones (issue 14):
// a resize resets the canvas. Here it resizes only when its container's size differs from the size
// MapLibre last drew at (the canvas's CSS size; an empty container counts as MapLibre's 400 x 300),
// so neither the first update after the map is made nor one after MapLibre's own ResizeObserver
// has already followed the container resizes it again. The camera is still set on every react: a
// patch that jumped only to what differed made the national filter's map update 3-4x slower in the
// bench (p95 86 ms without it, 286-320 ms with it, same machine, 2026-12-01), cause not found.
// The online icon and font fixes (Maki icons and OpenMapTiles font names from the internet) go: the
// atlas's style names its own glyphs and no icon, and the page is offline. Each replaced text must
// be found, so a new plotly.js that changes it fails the build instead of shipping unpatched.
const MAP_PATCHES = [
    [
        `    this.map.resize();
`,
        `    var canvas = this.map.getCanvas();
    if (canvas.style.width !== (this.div.clientWidth || 400) + 'px' ||
        canvas.style.height !== (this.div.clientHeight || 300) + 'px') {
        this.map.resize();
    }
`,
    ],
    [/\n {4}const requestedIcons = \{\};\n {4}map\.setMissingStyleImageResolver\([\s\S]*?\n {4}\}\);\n/, '\n'],
    [/\n {4}map\.setTransformRequest\(function \(url\) \{[\s\S]*?\n {4}\}\);\n/, '\n'],
];

// plotly.js's scattermap trace (src/traces/scattermap/plot.js) gives each of its MapLibre sources
// its GeoJSON again on every Plotly.react, changed or not, so any figure update (a zone picked, a
// legend redrawn) had MapLibre's worker re-tile every trace, 20,000 zones twice over at scale, and
// repaint as the tiles came back. A source now gets data only when its GeoJSON differs from what
// it was last given (a string comparison, milliseconds against seconds of tiling and frames),
// including the data a source is (re)added with.
const SCATTERMAP_PATCHES = [
    [
        `proto.setSourceData = function(k, opts) {
    this.subplot.map
        .getSource(this.sourceIds[k])
        .setData(opts.geojson);
};`,
        `proto.setSourceData = function(k, opts) {
    var id = this.sourceIds[k];
    var sent = this._atlasSent || (this._atlasSent = {});
    var json = JSON.stringify(opts.geojson);
    if(sent[id] === json) return;
    sent[id] = json;
    this.subplot.map.getSource(id).setData(opts.geojson);
};`,
    ],
    [
        `proto.addSource = function(k, opts, cluster) {
`,
        `proto.addSource = function(k, opts, cluster) {
    (this._atlasSent || (this._atlasSent = {}))[this.sourceIds[k]] = JSON.stringify(opts.geojson);
`,
    ],
];

// Issue 14: a filter hides the zones' points by MapLibre feature state, not by new longitudes (a
// new GeoJSON of 20,000 points for Plotly to build, MapLibre to re-tile and software GL to redraw).
// For a trace whose `meta.featureState` is true (dashboard/figures.py: the zones and their halo),
// a circle whose feature state `hidden` is true (feature id: point index + 1, as convert.js
// numbers them; assets/map-footprints.js sets it) draws with opacity 0, and hover, hence a click,
// passes it over: Plotly finds hovered points in its calcdata, not among MapLibre's drawn ones.
// Other traces are left as they were.
const SCATTERMAP_STATE_PATCHES = [
    [
        `            'circle-opacity': circleOpts.mo
`,
        `            'circle-opacity': trace.meta && trace.meta.featureState
                ? ['case', ['boolean', ['feature-state', 'hidden'], false], 0,
                    typeof circleOpts.mo === 'object' ? ['get', circleOpts.mo.property] : circleOpts.mo]
                : circleOpts.mo
`,
    ],
];
const SCATTERMAP_HOVER_PATCHES = [
    [
        `    var hasCluster = trace.cluster && trace.cluster.enabled;
`,
        `    var hasCluster = trace.cluster && trace.cluster.enabled;
    var stateSource = trace.meta && trace.meta.featureState ? 'source-' + trace.uid + '-circle' : null;
    function isHidden(d) {
        var state = subplot.map.getSource(stateSource) && subplot.map.getFeatureState({source: stateSource, id: d.i + 1});
        return Boolean(state && state.hidden);
    }
`,
    ],
    [
        `        return Math.max(Math.sqrt(dx * dx + dy * dy) - rad, 1 - 3 / rad);
`,
        `        var distance = Math.max(Math.sqrt(dx * dx + dy * dy) - rad, 1 - 3 / rad);
        // only a point near enough to be hovered asks MapLibre for its state
        return stateSource && distance <= pointData.distance && isHidden(d) ? Infinity : distance;
`,
    ],
];

// The patches above, by the plotly.js source file they apply to.
const PATCHES = {
    'plots/map/map.js': MAP_PATCHES,
    'traces/scattermap/plot.js': SCATTERMAP_PATCHES,
    'traces/scattermap/convert.js': SCATTERMAP_STATE_PATCHES,
    'traces/scattermap/hover.js': SCATTERMAP_HOVER_PATCHES,
};
// Each [from, to] of `patches` applied to `code` (the file `where`); a `from` not found fails the build.
function applyPatches(code, patches, where) {
    for (const [from, to] of patches) {
        const found = typeof from === 'string' ? code.includes(from) : from.test(code);
        if (!found) throw new Error(`${where} no longer contains ${String(from).slice(0, 60)}`);
        code = code.replace(from, to);
    }
    return code;
}
const patchSources = {
    name: 'patch-map-sources',
    setup(b) {
        b.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/](plots[\\/]map[\\/]map|traces[\\/]scattermap[\\/](plot|convert|hover))\.js$/ }, (args) => {
            const file = Object.keys(PATCHES).find((name) => args.path.replace(/\\/g, '/').endsWith(`/src/${name}`));
            const code = applyPatches(readFileSync(args.path, 'utf8'), PATCHES[file], `src/${file}`);
            return { contents: stripMeta(code), loader: 'js' };
        });
    },
};

// MapLibre's symbol placement (Placement.getBucketParts) reads the layout of the style layer a tile's
// label bucket was bound to when the tile arrived. Under load, after quick restyles, such a layer had
// no layout (never evaluated), and every frame threw from its placement ("Cannot read properties of
// undefined (reading 'get')", about 1 page in 25 at full CPU load) until the tile was parsed again.
// How, read from MapLibre's code and not seen directly: a layer replaced under its id twice before
// the style is next evaluated (Plotly re-adds a trace's layers on restyle). The bucket is now passed
// over until then (its placement and its labels' opacities), as if the tile had not arrived yet.
const MAPLIBRE_PATCHES = [
    [
        't.id!==a.layerIds[0])return;let s=n.collisionBoxArray,c=a.layers[0].layout,',
        't.id!==a.layerIds[0]||!a.layers[0].layout)return;let s=n.collisionBoxArray,c=a.layers[0].layout,',
    ],
    [
        't&&r.latestFeatureIndex&&e.id===t.layerIds[0]&&this.updateBucketOpacities(',
        't&&r.latestFeatureIndex&&e.id===t.layerIds[0]&&t.layers[0].layout&&this.updateBucketOpacities(',
    ],
];
const patchMaplibre = {
    name: 'patch-maplibre',
    setup(b) {
        b.onLoad({ filter: /[\\/]maplibre-gl[\\/]dist[\\/]maplibre-gl\.mjs$/ }, (args) => ({
            contents: applyPatches(readFileSync(args.path, 'utf8'), MAPLIBRE_PATCHES, 'maplibre-gl.mjs'),
            loader: 'js',
        }));
    },
};

// The ArcGIS satellite styles (~5 kB gzip) are online tiles the atlas never shows: an empty style
// keeps their names valid.
const noSatelliteStyles = {
    name: 'no-satellite-styles',
    setup(b) {
        b.onResolve({ filter: /[\\/]styles[\\/]arcgis-sat(-hybrid)?$/ }, () => ({ path: 'sat', namespace: 'no-satellite' }));
        b.onLoad({ filter: /.*/, namespace: 'no-satellite' }, () => ({
            contents: 'module.exports = { version: 8, sources: {}, layers: [] };',
            loader: 'js',
        }));
    },
};

// plotly.js requires a few packages whole, as CommonJS, and uses a few of their exports: a module
// that re-exports only those (from the packages' ES modules) lets esbuild leave out the rest.
// `specifier` is what plotly.js requires; `contents` the ES module it gets instead, which may
// import the same specifier (resolved normally from there).
function onlyExports(name, specifier, contents) {
    const filter = new RegExp(`^${specifier.replace(/[.\/]/g, '\\$&')}$`);
    return {
        name,
        setup(b) {
            b.onResolve({ filter }, (args) => (args.namespace === name ? undefined : { path: 'used', namespace: name }));
            b.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, resolveDir: here, loader: 'js' }));
        },
    };
}
const usedExports = [
    // Markers, popups and the other controls go (~12 kB gzip).
    onlyExports(
        'maplibre-used',
        'maplibre-gl/dist/maplibre-gl.mjs',
        "export { AttributionControl, LngLat, Map, setWorkerUrl } from 'maplibre-gl/dist/maplibre-gl.mjs';",
    ),
    // culori: five functions and the three colour spaces they need, instead of every space and
    // function (~17 kB gzip; plotly.js's own TODO says so): rgb parses every colour the atlas's
    // figures name (#hex, rgb()/rgba(), CSS names, transparent; tests/test_plotly_bundle.py checks
    // them), plotly.js converts to hsl, and the WCAG contrast measures in lrgb. lab(), oklch(),
    // color(display-p3 ...) and the other CSS Color 4 spaces are not parsed.
    onlyExports(
        'culori-used',
        'culori',
        "import { useMode, modeHsl, modeLrgb, modeRgb } from 'culori/fn'; useMode(modeRgb); useMode(modeHsl);" +
            " useMode(modeLrgb); export { converter, formatHex, formatRgb, wcagContrast, wcagLuminance } from 'culori/fn';",
    ),
    // d3-geo: geoBounds only (for a map's fitbounds), not the projections and paths.
    onlyExports('d3-geo-used', 'd3-geo', "export { geoBounds } from 'd3-geo';"),
];

// The worker chunk alone (~6 kB gzip), reading the shared chunk from the global.
const worker = await build({
    bundle: true,
    minify: true,
    target: TARGET,
    logLevel: 'info',
    entryPoints: [require.resolve('maplibre-gl/dist/maplibre-gl-worker.mjs')],
    write: false,
    format: 'iife',
    legalComments: 'none',
    plugins: [sharedFromGlobal(false)],
});
const workerCode = worker.outputFiles[0].text;

// What plotly.js's map.js requires as the worker's source (build/maplibre_worker.js upstream).
const workerSource = {
    name: 'maplibre-worker-source',
    setup(b) {
        b.onResolve({ filter: /[\\/]build[\\/]maplibre_worker$/ }, () => ({ path: 'worker', namespace: 'maplibre-worker' }));
        b.onLoad({ filter: /.*/, namespace: 'maplibre-worker' }, () => ({
            contents: `module.exports = require('shared-code') + ';\\n' + ${JSON.stringify(workerCode)};`,
            resolveDir: here,
            loader: 'js',
        }));
    },
};

const header = `/**
* plotly.js (atlas - minified) v${version}
* Partial bundle: ${TRACES.join(', ')}. Built by tools/plotly-bundle (see its README).
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/`;

const bundled = await build({
    bundle: true,
    minify: true,
    target: TARGET,
    logLevel: 'info',
    stdin: { contents: entry, resolveDir: path.join(plotlyDir, 'lib'), sourcefile: 'index-atlas.js' },
    write: false,
    format: 'iife',
    globalName: 'Plotly',
    legalComments: 'eof',
    plugins: [trimCore, patchSources, patchMaplibre, noSatelliteStyles, ...usedExports, ...unusedPackages, stripAttributeMeta, inlineCss, sharedFromGlobal(true), workerSource],
    alias: { regl: '@plotly/regl' },
    define: { global: 'window', 'define.amd': 'false' },
});

// esbuild's minifier does one pass; terser's two passes of compression take ~25 kB gzip more
// (about a minute). The licence comments (`/*!`) stay at the end.
const minified = await minify(bundled.outputFiles[0].text, {
    compress: { passes: 2 },
    mangle: true,
    format: { comments: 'some', preamble: header },
});
const built = minified.code;
if (!built.includes(`.version="${version}"`)) throw new Error(`the bundle does not embed version ${version}`);
writeFileSync(outfile, built.endsWith('\n') ? built : built + '\n');
console.log(`plotly.js ${version} (${TRACES.join(', ')}) -> ${path.relative(process.cwd(), outfile)}`);

// Dash's renderer and dcc need only `regeneratorRuntime` of the @babel/polyfill (core-js 2, 34 kB
// gzip) Dash serves; dashboard.factory leaves that out and the page gets this instead (~2.5 kB).
const regenerator = await build({
    bundle: true,
    minify: true,
    target: TARGET,
    logLevel: 'info',
    stdin: { contents: "globalThis.regeneratorRuntime = require('regenerator-runtime/runtime.js');", resolveDir: here },
    write: false,
    format: 'iife',
    legalComments: 'none',
});
const regeneratorFile = path.resolve(here, '../../assets/vendor/regenerator-runtime.min.js');
const regeneratorVersion = JSON.parse(readFileSync(require.resolve('regenerator-runtime/package.json'), 'utf8')).version;
writeFileSync(
    regeneratorFile,
    `/*! regenerator-runtime v${regeneratorVersion} | Copyright (c) 2014-present, Facebook, Inc. | MIT License */\n` +
        regenerator.outputFiles[0].text,
);
console.log(`regenerator-runtime ${regeneratorVersion} -> ${path.relative(process.cwd(), regeneratorFile)}`);
