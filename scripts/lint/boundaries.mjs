/**
 * ESLint rule `infergraph/boundaries`: what may import what, so that a wrong
 * import fails `npm run lint` instead of waiting for a reviewer.
 *
 * - lib/ knows no service, script, bench, test, stack or client.
 * - Services (inference-grpc, the two subgraphs, the supergraph) meet only over
 *   the network: no service's source imports another service. Tests and the
 *   tools that start services (test/, bench/, scripts/, stack/) reach a service
 *   only through its public surface, `src/index.ts`.
 * - clients/ (what a frontend copies) and ui/ import no server code.
 * - Generated gRPC types are imported only by the adapters that speak the wire.
 * - Source never imports test/.
 *
 * Only relative imports are checked; packages are the package manager's business.
 */
import path from 'node:path';

const SERVICES = ['inference-grpc', 'subgraphs/models', 'subgraphs/prediction', 'supergraph'];
const GENERATED = ['lib/grpc/generated/'];
/** Where generated gRPC types may be imported from (besides tests and tools). */
const ADAPTERS = [
  'lib/grpc/',
  'lib/oip/',
  'inference-grpc/src/grpc/',
  'inference-grpc/src/oip/',
  'subgraphs/prediction/src/backends/infergraph/',
  'subgraphs/prediction/src/backends/oip/',
  'subgraphs/models/src/grpc/',
];
const TOOLS = ['test', 'bench', 'scripts', 'stack'];

/** The area a project-relative path belongs to: a service, a top-level folder, or the root. */
export function areaOf(file) {
  if (GENERATED.some((g) => file.startsWith(g))) return 'generated';
  const service = SERVICES.find((s) => file.startsWith(`${s}/`));
  if (service) return service;
  const top = file.split('/')[0];
  return file.includes('/') ? top : 'root';
}

/** Test code: test files, their shared *.test-helpers.ts, and the contract suites that service tests run against each implementation of a seam. */
export function isTestCode(file) {
  return /\.test(-helpers)?\.tsx?$/.test(file) || /(^|\/|-)contract\.ts$/.test(file) || file.startsWith('test/');
}

/** Why `from` may not import `to` (both project-relative), or undefined when it may. */
export function violation(from, to) {
  const fromArea = areaOf(from);
  const toArea = areaOf(to);
  const testCode = isTestCode(from);
  const tool = TOOLS.includes(fromArea);
  if (toArea === 'generated') {
    if (fromArea === 'generated' || testCode || tool || ADAPTERS.some((a) => from.startsWith(a))) return undefined;
    return "generated gRPC types are for the adapters that speak the wire (ADAPTERS in scripts/lint/boundaries.mjs); map them to this service's own types there";
  }
  if (fromArea === 'clients' && !testCode)
    return toArea === 'clients' ? undefined : 'clients/ is what a frontend copies: it imports nothing outside clients/';
  if (fromArea === 'ui')
    return toArea === 'ui' || toArea === 'clients' ? undefined : 'ui/ runs in the browser: it imports only ui/ and clients/';
  if (toArea === 'test' && !testCode) return 'source never imports test/: share through lib/ or stack/';
  if (fromArea === 'lib') {
    // Its tests may use the harness (stack/) and the test helpers; lib itself knows only lib.
    if (toArea === 'lib' || (testCode && (toArea === 'stack' || toArea === 'test'))) return undefined;
    return `lib/ is shared by every service and knows none of them (nor ${toArea}/)`;
  }
  if (SERVICES.includes(toArea) && toArea !== fromArea) {
    const publicSurface = to === `${toArea}/src/index.ts`;
    if ((testCode || tool) && publicSurface) return undefined;
    if (testCode || tool) return `reach ${toArea} through its public surface, ${toArea}/src/index.ts, not its internals`;
    return `services meet only over the network: ${fromArea} must not import ${toArea}`;
  }
  if (SERVICES.includes(fromArea) && !testCode && TOOLS.includes(toArea)) return `a service's source must not import ${toArea}/`;
  return undefined;
}

function resolveTarget(fromAbs, specifier) {
  const abs = path.resolve(path.dirname(fromAbs), specifier.replace(/\?.*$/, ''));
  return /\.[cm]?[jt]sx?$/.test(abs) ? abs : `${abs}.ts`;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'What may import what in InferGraph (see scripts/lint/boundaries.mjs).' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, required: ['root'], additionalProperties: false }],
    messages: { boundary: '{{from}} may not import {{to}}: {{why}}' },
  },
  create(context) {
    const { root } = context.options[0];
    const fromAbs = context.filename;
    const from = path.relative(root, fromAbs).split(path.sep).join('/');
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const to = path.relative(root, resolveTarget(fromAbs, specifier)).split(path.sep).join('/');
      const why = violation(from, to);
      if (why) context.report({ node, messageId: 'boundary', data: { from, to, why } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { boundaries: rule } };
