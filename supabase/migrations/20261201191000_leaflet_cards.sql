-- The leaflet list's cards: each leaflet with a picture and a one-line summary in the reader's
-- language. The list now also returns the published version's first paragraph (the summary is
-- its first sentence, in the reader's language, chosen by the page like any other block) and the
-- template the leaflet started from (the picture: the same pictogram set as the pupils' board;
-- a school's own leaflet gets the general one).

-- Functions ------------------------------------------------------------------------------

drop function public.published_leaflets(text);
create function public.published_leaflets(p_school_slug text)
returns table (slug text, title jsonb, version_no int, published_at timestamptz, lead jsonb, template text)
language sql stable security invoker set search_path = ''
as $$
  select l.slug, v.snapshot -> 'blocks' -> 0, v.version_no, v.published_at,
         (select b from jsonb_array_elements(v.snapshot -> 'blocks') with ordinality as e(b, n)
          where b ->> 'kind' = 'paragraph' order by n limit 1),
         t.slug
  from public.leaflets l
  join public.schools s on s.id = l.school_id
  join public.leaflet_versions v on v.id = l.published_version_id
  left join public.leaflets t on t.id = l.template_id
  where s.slug = lower(p_school_slug) and l.status = 'published'
  order by l.position, l.slug
$$;
revoke execute on function public.published_leaflets(text) from public, anon, authenticated;
grant execute on function public.published_leaflets(text) to anon, authenticated;
