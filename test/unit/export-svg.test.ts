/**
 * The SVG export carries no script and no event attribute, whatever the
 * labels say (#17): labels are text, escaped, and only inlined images are kept.
 */
import { describe, it, expect } from 'vitest';
import cytoscape from 'cytoscape';
import { canvasSvg } from '../../src/lib/ui/export/svg';

const HOSTILE = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "x' onmouseover='alert(1)", ']]><script>x</script>', '&lt;script&gt;'];

describe('canvas SVG', () => {
	it('escapes labels; no script element, no event attribute, no external href', async () => {
		const cy = cytoscape({
			headless: true,
			styleEnabled: true,
			style: [
				{ selector: 'node', style: { label: 'data(label)', width: 40, height: 40, 'background-image': 'data(icon)', 'background-opacity': 1 } },
				{ selector: 'edge', style: { label: 'data(label)', 'source-label': 'data(label)' } }
			],
			elements: [
				...HOSTILE.map((label, i) => ({ data: { id: `n${i}`, label, icon: i % 2 ? 'javascript:alert(1)' : 'https://evil.example/x.svg' }, position: { x: i * 80, y: 0 } })),
				{ data: { id: 'img', label: '<img src=x onerror=alert(1)>', icon: 'data:text/html;base64,PHNjcmlwdD4=' }, position: { x: 0, y: 90 } }
			]
		});
		const svg = await canvasSvg(cy, { bg: '#0f172a' });
		expect(svg).not.toMatch(/<script/i);
		// every `<` of a label is escaped, so each `<` starts a real tag: no tag has an event attribute
		expect(svg).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
		expect(svg).not.toMatch(/<img/i);
		expect(svg).not.toMatch(/href="(?!data:image)/);
		expect(svg).not.toContain('javascript:');
		expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(svg).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
		// every label made it, as text
		expect((svg.match(/<tspan/g) ?? []).length).toBeGreaterThanOrEqual(HOSTILE.length);
	});
});
