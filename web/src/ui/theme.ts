import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** "Guild" — a deep, calm teal: distinctive next to the usual blues, easy on the eyes all day. */
const guild: MantineColorsTuple = [
  '#e7f5f3',
  '#d6ebe8',
  '#aed5d0',
  '#83beb7',
  '#5fada4',
  '#489f95',
  '#3a988e',
  '#2b847b',
  '#1f756d',
  '#08655e',
];

export const theme = createTheme({
  primaryColor: 'guild',
  primaryShade: { light: 7, dark: 5 },
  colors: { guild },
  fontFamily: 'Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", "SFMono-Regular", Menlo, Consolas, monospace',
  headings: { fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Badge: { defaultProps: { radius: 'sm', variant: 'light', tt: 'none', fw: 600 } },
    Paper: { defaultProps: { radius: 'md' } },
    Modal: { defaultProps: { centered: true, radius: 'md', overlayProps: { backgroundOpacity: 0.35, blur: 2 } } },
    Tooltip: { defaultProps: { openDelay: 300, withArrow: true } },
  },
});
