/**
 * Interchange with other tools (issue #8): pure functions, text or bytes in and
 * out, no Node APIs, so the app can offer the same exports and imports as the
 * CLI (`vnet export`, `vnet import`).
 */
export { toContainerlab, clabName, DEFAULT_CLAB_IMAGE, type ClabExport, type ClabExportOptions } from './containerlab';
export { fromContainerlab, type ClabImportOptions } from './containerlab-import';
export { toGns3, GNS3_REVISION, GNS3_VNET_VARIABLE, type Gns3Export, type Gns3ExportOptions } from './gns3';
export { fromGns3, type Gns3ImportOptions } from './gns3-import';
export { toDot, toMermaid, vlanColor, type DiagramOptions } from './diagram';
export { traceToPcap, type PcapOptions } from './pcap';
export { topologyToYaml, topologyToPlain } from './vnet-yaml';
export type { ImportResult, ImportWarning } from './import-common';
export { uuidV5, sanitizeNodeId, sanitizeIfaceName } from './ids';
export { fromKubernetes, type KubeImportOptions } from './kube-manifests-import';
export { toKubernetes, type KubeExport } from './kube-manifests-export';
export { looksLikeManifests } from './kube-manifests-detect';
