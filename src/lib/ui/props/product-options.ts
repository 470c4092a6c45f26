/**
 * What the properties panel offers for hypervisor products (presets.md): the
 * product picker on a hypervisor and the attachment picker on a guest
 * interface, in each product's own words (products.ts). Pure, unit tested.
 */
import { PRODUCT_IDS, productOf, productMode, type ProductMode } from '$lib/model/products';

export interface PickOption {
	/** the value written to the file */
	value: string;
	/** what the select shows */
	label: string;
	/** a tooltip */
	title?: string;
}

/** The hypervisor fields the pickers read (raw document values: anything may be missing or wrong). */
export interface HypervisorLike {
	product?: unknown;
	portgroups?: unknown;
	networks?: unknown;
}

/**
 * The product picker: every product but "generic" by its display name. The
 * empty choice is "Generic" (no `product` field), so it is the select's
 * placeholder rather than an option.
 */
export const GENERIC_PRODUCT_LABEL = 'Generic';
export function productOptions(): PickOption[] {
	return PRODUCT_IDS.filter((id) => id !== 'generic').map((id) => ({ value: id, label: productOf(id).name }));
}

/** Display names by product id (generic included), for a select's labels. */
export function productLabels(): Record<string, string> {
	return Object.fromEntries(PRODUCT_IDS.map((id) => [id, productOf(id).name]));
}

function productId(hv: HypervisorLike | undefined): string | undefined {
	return typeof hv?.product === 'string' ? hv.product : undefined;
}

/** The attach modes of the guest's hypervisor's product, under the product's own names. */
export function attachOptions(hv: HypervisorLike | undefined): PickOption[] {
	return productOf(productId(hv)).modes.map((m) => ({ value: m.mode, label: m.label, title: m.summary }));
}

export interface NetworkFieldSpec {
	label: string;
	required: boolean;
	/** the product's default network name (optional `network`), or a hint */
	placeholder: string;
	/** choices when the hypervisor declares them (ESXi port groups) */
	options?: string[];
	hint?: string;
}

function names(v: unknown): string[] {
	return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v as Record<string, unknown>) : [];
}

/** The `network` field of a guest interface in this mode, or null when the mode takes none. */
export function networkField(hv: HypervisorLike | undefined, attach: unknown): NetworkFieldSpec | null {
	if (typeof attach !== 'string') return null;
	const mode = productMode(productId(hv), attach);
	if (!mode || mode.network === 'none') return null;
	const product = productOf(productId(hv));
	if (product.takesPortgroups) {
		const pgs = names(hv?.portgroups);
		return {
			label: 'Port group',
			required: true,
			placeholder: pgs.length ? 'choose a port group' : 'no port groups declared',
			options: pgs,
			hint: pgs.length ? undefined : 'declare portgroups on the hypervisor first'
		};
	}
	const declared = product.takesNetworks ? names(hv?.networks) : [];
	return {
		label: 'Network',
		required: mode.network === 'required',
		placeholder: mode.defaultNetwork ?? 'required',
		hint: declared.length ? `declared: ${declared.join(', ')}` : mode.network === 'required' ? `${mode.label}: required` : undefined
	};
}

/** The product's mode for this attach value (undefined for a mode the product does not have). */
export function attachMode(hv: HypervisorLike | undefined, attach: unknown): ProductMode | undefined {
	return typeof attach === 'string' ? productMode(productId(hv), attach) : undefined;
}

/** Which attachments have the product's DHCP server, for the DHCP field's hint. */
export function dhcpHint(hv: HypervisorLike | undefined): string {
	const modes = productOf(productId(hv)).modes.filter((m) => m.dhcp).map((m) => m.label);
	return modes.length ? `only on ${modes.join(', ')}` : 'this product has no DHCP server';
}
