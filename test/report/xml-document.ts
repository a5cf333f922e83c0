/**
 * A strict XML 1.0 reader for the tests of the XML report formats (junit, graphml): `parseXml`
 * throws on anything that is not well-formed (mismatched tags, a bare `&` or `<`, an undeclared
 * entity, a character XML forbids, two root elements), using saxes, a conforming parser. It
 * returns a small element tree with entity-decoded attribute values and text, so a test can
 * assert what a reader of the file gets back, not how the bytes look.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (character data and CDATA), entity-decoded, children excluded. */
  text: string;
}

export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  let failure: Error | undefined;
  let root: XmlElement | undefined;
  const open: XmlElement[] = [];
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag) => {
    const element: XmlElement = { name: tag.name, attributes: { ...tag.attributes }, children: [], text: '' };
    const parent = open.at(-1);
    if (parent === undefined) root = element;
    else parent.children.push(element);
    open.push(element);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  const addText = (text: string): void => {
    const current = open.at(-1);
    if (current !== undefined) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(xml).close();
  if (failure !== undefined) throw new Error(`not well-formed XML: ${failure.message}`);
  if (root === undefined) throw new Error('not well-formed XML: no root element');
  return root;
}

/** Every element named `name` at or below `element`, in document order. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found = element.name === name ? [element] : [];
  for (const child of element.children) found.push(...descendants(child, name));
  return found;
}
