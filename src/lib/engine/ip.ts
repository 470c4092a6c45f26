// The IPv4 helpers live in model/net. This re-export only keeps scenario/run.ts
// compiling until its split (another branch) imports model/net directly; the
// boundary test lists it so it can only go away.
export { isIpv4 } from '../model/net';
