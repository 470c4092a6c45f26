/** File names of documents: the vnet extension of a format, the name a save suggests. */

/** A file name with the vnet extension of its format. */
export function vnetName(name: string, format: 'yaml' | 'json'): string {
	const stem = name.replace(/\.vnet\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '') || 'untitled';
	return `${stem}.vnet.${format === 'json' ? 'json' : 'yaml'}`;
}

/** A placeholder file name the app gave (a new document, a shared link), not one the user chose. */
export function isPlaceholderFile(file: string): boolean {
	return /^(untitled(-\d+)?|shared)\.vnet\.(ya?ml|json)$/i.test(file);
}

/** A document's `name:` as a file stem ("KVM lab" → "KVM-lab"); null when it has none. */
export function stemOfName(name: string | null | undefined): string | null {
	const stem = (name ?? '')
		.trim()
		.replace(/[^A-Za-z0-9._-]+/g, '-')
		.replace(/^[-.]+|-+$/g, '');
	return stem || null;
}

/**
 * The file name a save or an export proposes: the document's `name:` when the
 * file name is one the app made up (or an example's), else the file's own name.
 */
export function suggestedFile(file: string, name: string | null | undefined, format: 'yaml' | 'json', fromExample = false): string {
	const stem = stemOfName(name);
	if (stem && (fromExample || isPlaceholderFile(file))) return vnetName(stem, format);
	return vnetName(file, format);
}
