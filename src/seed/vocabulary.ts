/** Word lists for demo titles: half the catalog in Spanish, half in English. */
export const categoryTree: { slug: string; name: string; children: { slug: string; name: string }[] }[] = [
  { slug: 'moda', name: 'Moda / Fashion', children: [
    { slug: 'camisetas', name: 'Camisetas / T-shirts' },
    { slug: 'zapatillas', name: 'Zapatillas / Sneakers' },
    { slug: 'chaquetas', name: 'Chaquetas / Jackets' },
  ] },
  { slug: 'electronica', name: 'Electrónica / Electronics', children: [
    { slug: 'auriculares', name: 'Auriculares / Headphones' },
    { slug: 'altavoces', name: 'Altavoces / Speakers' },
    { slug: 'cargadores', name: 'Cargadores / Chargers' },
  ] },
  { slug: 'hogar', name: 'Hogar / Home', children: [
    { slug: 'cocina', name: 'Cocina / Kitchen' },
    { slug: 'lamparas', name: 'Lámparas / Lamps' },
    { slug: 'textil-hogar', name: 'Textil hogar / Home textiles' },
  ] },
  { slug: 'deporte', name: 'Deporte / Sports', children: [
    { slug: 'running', name: 'Running' },
    { slug: 'ciclismo', name: 'Ciclismo / Cycling' },
  ] },
  { slug: 'libros', name: 'Libros / Books', children: [] },
];

/** Per leaf category: [Spanish noun, English noun]. */
export const nouns: Record<string, [string, string][]> = {
  camisetas: [['Camiseta', 'T-shirt'], ['Polo', 'Polo shirt'], ['Camiseta técnica', 'Tech tee']],
  zapatillas: [['Zapatillas', 'Sneakers'], ['Zapatillas de running', 'Running shoes'], ['Bambas', 'Trainers']],
  chaquetas: [['Chaqueta', 'Jacket'], ['Cortavientos', 'Windbreaker'], ['Parka', 'Parka']],
  auriculares: [['Auriculares inalámbricos', 'Wireless earbuds'], ['Cascos', 'Headphones']],
  altavoces: [['Altavoz portátil', 'Portable speaker'], ['Barra de sonido', 'Soundbar']],
  cargadores: [['Cargador USB-C', 'USB-C charger'], ['Batería externa', 'Power bank']],
  cocina: [['Sartén', 'Frying pan'], ['Cafetera', 'Coffee maker'], ['Juego de cuchillos', 'Knife set']],
  lamparas: [['Lámpara de mesa', 'Table lamp'], ['Flexo', 'Desk lamp']],
  'textil-hogar': [['Manta', 'Throw blanket'], ['Juego de sábanas', 'Bed sheet set']],
  running: [['Mallas', 'Running tights'], ['Cinturón de hidratación', 'Hydration belt']],
  ciclismo: [['Casco', 'Bike helmet'], ['Luz trasera', 'Rear light']],
  libros: [['Novela', 'Novel'], ['Libro de cocina', 'Cookbook']],
};

export const qualities: [string, string][] = [
  ['de algodón orgánico', 'Organic cotton'],
  ['reciclado', 'Recycled'],
  ['premium', 'Premium'],
  ['ligero', 'Lightweight'],
  ['clásico', 'Classic'],
  ['compacto', 'Compact'],
  ['de acero inoxidable', 'Stainless steel'],
  ['artesanal', 'Handmade'],
];

export const brands = ['Acme', 'Sol', 'Norte', 'Brisa', 'Lumen', 'Koa', 'Vela', 'Orbe', 'Tierra', 'Pixel'];

export const sizes = ['S', 'M', 'L', 'XL'];
export const colours = [
  ['Negro', 'Black'],
  ['Blanco', 'White'],
  ['Azul', 'Blue'],
  ['Rojo', 'Red'],
  ['Verde', 'Green'],
] as const;

export const sellerNames = [
  'Tienda Sol', 'Acme Outlet', 'Mercado Norte', 'Casa Brisa', 'Lumen Store', 'Koa Sports', 'Vela Hogar',
  'Orbe Electrónica', 'Tierra Viva', 'Pixel Shop', 'El Rincón', 'Bazar Central', 'Moda Luna', 'Deportes Cima',
  'Libros Faro', 'Cocina Plena',
];
