// Seed catalogue for local development and benchmarks (never run in the cluster).
import type { Pool } from 'pg';

export const seedData: ReadonlyArray<readonly [title: string, director: string]> = [
  ['The Godfather', 'Francis Ford Coppola'],
  ['Casablanca', 'Michael Curtiz'],
  ['Citizen Kane', 'Orson Welles'],
  ['Seven Samurai', 'Akira Kurosawa'],
  ['Vertigo', 'Alfred Hitchcock'],
  ['Psycho', 'Alfred Hitchcock'],
  ['Rear Window', 'Alfred Hitchcock'],
  ['2001: A Space Odyssey', 'Stanley Kubrick'],
  ['Dr. Strangelove', 'Stanley Kubrick'],
  ['The Shining', 'Stanley Kubrick'],
  ['Tokyo Story', 'Yasujirō Ozu'],
  ['Bicycle Thieves', 'Vittorio De Sica'],
  ['8½', 'Federico Fellini'],
  ['La Dolce Vita', 'Federico Fellini'],
  ['The Seventh Seal', 'Ingmar Bergman'],
  ['Persona', 'Ingmar Bergman'],
  ['Rashomon', 'Akira Kurosawa'],
  ['Ikiru', 'Akira Kurosawa'],
  ['Sunset Boulevard', 'Billy Wilder'],
  ['Some Like It Hot', 'Billy Wilder'],
  ['The Apartment', 'Billy Wilder'],
  ['Lawrence of Arabia', 'David Lean'],
  ['Singin\' in the Rain', 'Stanley Donen, Gene Kelly'],
  ['The Searchers', 'John Ford'],
  ['Chinatown', 'Roman Polanski'],
  ['Taxi Driver', 'Martin Scorsese'],
  ['Raging Bull', 'Martin Scorsese'],
  ['Goodfellas', 'Martin Scorsese'],
  ['Apocalypse Now', 'Francis Ford Coppola'],
  ['The Godfather Part II', 'Francis Ford Coppola'],
  ['Jaws', 'Steven Spielberg'],
  ['E.T. the Extra-Terrestrial', 'Steven Spielberg'],
  ['Schindler\'s List', 'Steven Spielberg'],
  ['Alien', 'Ridley Scott'],
  ['Blade Runner', 'Ridley Scott'],
  ['The Terminator', 'James Cameron'],
  ['Aliens', 'James Cameron'],
  ['Pulp Fiction', 'Quentin Tarantino'],
  ['Fargo', 'Joel Coen, Ethan Coen'],
  ['No Country for Old Men', 'Joel Coen, Ethan Coen'],
  ['Spirited Away', 'Hayao Miyazaki'],
  ['My Neighbor Totoro', 'Hayao Miyazaki'],
  ['In the Mood for Love', 'Wong Kar-wai'],
  ['Chungking Express', 'Wong Kar-wai'],
  ['Mulholland Drive', 'David Lynch'],
  ['Blue Velvet', 'David Lynch'],
  ['The Matrix', 'Lana Wachowski, Lilly Wachowski'],
  ['Amélie', 'Jean-Pierre Jeunet'],
  ['City of God', 'Fernando Meirelles'],
  ['Pan\'s Labyrinth', 'Guillermo del Toro'],
  ['There Will Be Blood', 'Paul Thomas Anderson'],
  ['The Dark Knight', 'Christopher Nolan'],
  ['Inception', 'Christopher Nolan'],
  ['Memento', 'Christopher Nolan'],
  ['WALL·E', 'Andrew Stanton'],
  ['Parasite', 'Bong Joon-ho'],
  ['Memories of Murder', 'Bong Joon-ho'],
  ['Oldboy', 'Park Chan-wook'],
  ['Mad Max: Fury Road', 'George Miller'],
  ['Get Out', 'Jordan Peele'],
  ['Moonlight', 'Barry Jenkins'],
  ['Portrait of a Lady on Fire', 'Céline Sciamma'],
  ['Drive My Car', 'Ryusuke Hamaguchi'],
  ['The Grand Budapest Hotel', 'Wes Anderson'],
];

/** Inserts the seed catalogue when the movies table is empty; returns how many rows were added. */
export async function seedMovies(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `INSERT INTO movies (title, director)
     SELECT t, d FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(t, d, n)
     WHERE NOT EXISTS (SELECT 1 FROM movies)
     ORDER BY n
     RETURNING 1 AS n`,
    [seedData.map((m) => m[0]), seedData.map((m) => m[1])],
  );
  return rows.length;
}
