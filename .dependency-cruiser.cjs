/**
 * The direction of dependencies (README, "Layout"): main -> gateway | subgraph | consumers -> modules -> platform.
 * Checked by `npm test` (`npm run lint`); a violation fails with the offending import.
 */
const ROLES = '^src/(gateway|subgraph|consumers)/';
module.exports = {
  forbidden: [
    {
      name: 'platform-is-the-bottom',
      comment: 'platform/ holds the technical parts (db, http, messaging, identity, ...) and knows no feature or role.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|gateway|subgraph|consumers|main|examples|config)/' },
    },
    {
      name: 'modules-below-the-roles',
      comment: 'modules/ (the features) is used by the roles, never the other way round.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/(gateway|subgraph|consumers|main|examples)/' },
    },
    {
      name: 'roles-apart',
      comment: 'The gateway, the subgraph and the consumers are separate roles: each composes modules and platform only.',
      severity: 'error',
      from: { path: ROLES },
      to: { path: ROLES, pathNot: '^src/$1/' },
    },
    {
      name: 'nothing-imports-main',
      comment: 'main/ is the composition root of each role and the CLI.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/' },
      to: { path: '^src/main/' },
    },
    { name: 'no-cycles', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^src/generated/' },
  },
};
