/**
 * JSON body operations as data: select, rename, move, copy, set, remove, wrap/unwrap, map over
 * arrays and type coercions, compiled once into a side-effect-free function.
 */
export { compileJsonOps, type ApplyOptions, type CompileJsonOpsOptions, type JsonTransform } from './compile.js';
export { JsonOpsError, type JsonOpsErrorKind } from './errors.js';
export { getIn, parsePath, toPointer, type PathTokens } from './pointer.js';
export { JsonOp, JsonOps, JsonOpsLimits, MAX_MAP_NESTING, type JsonOpConfig, type JsonOpInput, type JsonOpsLimitsInput } from './schema.js';
